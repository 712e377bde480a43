// Property-based: whatever a settings file holds (any JSON, prototype-pollution keys, bytes that are not JSON), reading
// it gives valid settings with a clear warning, never a throw, and a damaged file is kept intact
// (test/support/fuzz/settings-target.ts).
import { describe, expect, it } from 'vitest';
import { defaultSettings, readSettings } from '../../../main/settings/schema.ts';
import { assertTarget } from '../../support/fuzz/target.ts';
import { settingsTarget } from '../../support/fuzz/settings-target.ts';

describe('settings file fuzzing', () => {
  it('reads 200 arbitrary settings files to valid settings with clear warnings', async () => {
    await assertTarget(settingsTarget, 200);
  });

  // Found by fuzzing: these keys reached Object.prototype's members; readSettings threw "safeParse is not a function".
  it('ignores "__proto__", "constructor" and other inherited names as unknown keys', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const { settings, problems } = readSettings(JSON.parse(`{"${key}": {"workers": 8}, "workers": 4}`));
      expect(settings).toEqual({ ...defaultSettings(), workers: 4 });
      expect(problems).toEqual([]);
      expect(Object.keys(Object.prototype)).toEqual([]);
    }
  });
});
