// Settings files: whatever the file holds — any JSON (prototype-pollution keys included) or bytes that are not JSON —
// reading it gives valid settings (defaults where a value is bad) with a clear warning, never a throw, and a file that
// cannot be parsed is moved aside intact.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { moveAsideDamaged } from '../../../main/app/damaged-file.ts';
import { readSettings, SETTINGS_KEYS, settingsSchema } from '../../../main/settings/schema.ts';
import { badValue, POLLUTION_KEYS } from './bad-values.ts';
import { crash, defineTarget, describe, OK, unclear } from './target.ts';
import { unclearReason } from './clear-message.ts';

const KEYS = [...SETTINGS_KEYS, ...POLLUTION_KEYS, 'unknownFromANewerVersion'];
const jsonish = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));

/** A settings file's text: settings objects with good and bad values (as JSON text), any JSON, or not JSON at all. */
const fileText = fc.oneof(
  fc
    .dictionary(fc.constantFrom(...KEYS), fc.oneof(badValue, fc.integer({ min: 1, max: 8 }), fc.boolean()), {
      maxKeys: 8,
    })
    .map((o) => jsonish(o) ?? 'null'),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(...POLLUTION_KEYS).map((k) => `{"${k}": {"workers": 99, "polluted": true}, "workers": 4}`),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.constantFrom('{"workers": 3', '', '\uFEFF{"workers": 3}', '{"workers": 3}\u0000garbage'),
);

export const settingsTarget = defineTarget<string>({
  name: 'settings',
  arbitrary: fileText,
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'pallet-settings-fuzz-'));
    const file = join(dir, 'settings.json');
    return {
      async check(text) {
        writeFileSync(file, text, 'latin1');
        const bytes = readFileSync(file);
        let raw: unknown;
        try {
          raw = JSON.parse(bytes.toString('utf8'));
        } catch {
          // Not JSON: the app moves it aside (keeping every byte) and starts from defaults.
          try {
            const kept = moveAsideDamaged(file);
            if (!kept || !readFileSync(kept).equals(bytes)) return crash('the damaged file was not kept intact');
            rmSync(kept);
          } catch (err) {
            return crash(`moveAsideDamaged threw: ${describe(err)}`);
          }
          raw = undefined;
        }
        let out;
        try {
          out = readSettings(raw);
        } catch (err) {
          return crash(`readSettings threw on ${text.slice(0, 80)}: ${describe(err)}`);
        }
        if (Object.keys(Object.prototype).length > 0) return crash('readSettings polluted Object.prototype');
        const complete = Object.keys(out.settings).length === SETTINGS_KEYS.length;
        if (!settingsSchema.safeParse(out.settings).success || !complete)
          return crash(`readSettings gave invalid settings ${jsonish(out.settings)}`);
        for (const p of out.problems) {
          const why = unclearReason(p, ['Setting "', 'settings file']);
          if (why) return unclear(`${why}: ${p}`);
        }
        const object = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
        if (raw !== undefined && !object && out.problems.length === 0)
          return unclear(`no warning for a settings file holding ${text.slice(0, 80)}`);
        if (readdirSync(dir).length > 1) return crash(`left files behind: ${readdirSync(dir).join(', ')}`);
        return OK;
      },
      async close() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
