import { describe, expect, it } from 'vitest';
import { createSecrets } from '../../../main/app/secrets.ts';
import { fakeKeyring, memorySecretStore } from '../../support/fake-shell.ts';
import { readSettings } from '../../../main/settings/schema.ts';

const memoryStore = memorySecretStore;
const keyring = fakeKeyring;

describe('secrets', () => {
  it('stores encrypted and reads back', () => {
    const { m, store } = memoryStore();
    const s = createSecrets(keyring(), store);
    s.set('refresh_token', 'Atzr|secret');
    expect(m.get('refresh_token')).not.toContain('secret');
    expect(s.get('refresh_token')).toBe('Atzr|secret');
    expect(s.has('refresh_token')).toBe(true);
    s.delete('refresh_token');
    expect(s.get('refresh_token')).toBeNull();
  });

  it("refuses Linux's basic_text backend and a system without encryption, saying why", () => {
    const basic = createSecrets(keyring('basic_text'), memoryStore().store);
    expect(basic.availability()).toEqual({ ok: false, reason: expect.stringMatching(/No system keyring.*refuses/) });
    expect(() => basic.set('x', 'y')).toThrow(/keyring/);
    const none = createSecrets({ ...keyring(), isEncryptionAvailable: () => false }, memoryStore().store);
    expect(() => none.set('x', 'y')).toThrow(/no encryption/);
  });

  it('treats a secret it cannot decrypt as missing rather than crashing', () => {
    const { store } = memoryStore();
    store.set('t', 'garbage');
    const s = createSecrets(
      {
        ...keyring(),
        decryptString: () => {
          throw new Error('bad');
        },
      },
      store,
    );
    expect(s.get('t')).toBeNull();
  });
});

describe('settings file', () => {
  it('keeps good values and replaces each bad one with its default, saying which', () => {
    const { settings, problems } = readSettings({
      closeToTray: false,
      workers: 99,
      sweepIntervalMinutes: 'often',
      future: 1,
    });
    expect(settings).toMatchObject({ closeToTray: false, workers: 2, sweepIntervalMinutes: 5, notifications: true });
    expect(problems).toEqual([
      expect.stringMatching(/"workers".*99.*default 2/),
      expect.stringMatching(/"sweepIntervalMinutes"/),
    ]);
    expect(readSettings('nonsense').problems).toEqual(['The settings file is not an object; defaults are used.']);
    expect(readSettings(undefined)).toMatchObject({ problems: [], settings: { closeToTray: true } });
  });
});
