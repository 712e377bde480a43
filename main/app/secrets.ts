import type { SecretsPort } from '../ports.ts';

/** The OS encryption Electron offers (safeStorage), as a port so it can be faked. */
export interface EncryptionBackend {
  isEncryptionAvailable(): boolean;
  /** Linux only: 'basic_text' means no keyring — "encrypted" with a hard-coded key. */
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** Where encrypted secrets are kept (base64 text in the settings file). */
export interface SecretStore {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  delete(name: string): void;
}

/** Secrets encrypted by the OS keyring; refused — with the reason — where that protection does not exist. */
export function createSecrets(backend: EncryptionBackend, store: SecretStore): SecretsPort {
  const availability = (): { ok: true } | { ok: false; reason: string } => {
    if (!backend.isEncryptionAvailable())
      return {
        ok: false,
        reason: 'This system offers no encryption for saved passwords, so Pallet will not store credentials.',
      };
    if (backend.getSelectedStorageBackend?.() === 'basic_text') {
      return {
        ok: false,
        reason:
          'No system keyring (GNOME Keyring or KWallet) is running, so credentials could only be stored with a publicly known key. Pallet refuses to store them; start a keyring and try again.',
      };
    }
    return { ok: true };
  };
  const mustBeAvailable = () => {
    const a = availability();
    if (!a.ok) throw new Error(a.reason);
  };
  return {
    availability,
    set(name, value) {
      mustBeAvailable();
      store.set(name, backend.encryptString(value).toString('base64'));
    },
    get(name) {
      const raw = store.get(name);
      if (raw === undefined) return null;
      mustBeAvailable();
      try {
        return backend.decryptString(Buffer.from(raw, 'base64'));
      } catch {
        // Encrypted on another machine or keyring: unreadable, so ask for it again rather than crash.
        return null;
      }
    },
    has: (name) => store.get(name) !== undefined,
    delete: (name) => store.delete(name),
  };
}
