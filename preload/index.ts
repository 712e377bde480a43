// The narrow bridge: named methods only. The full contract arrives with the desktop-shell issue.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('pallet', { version: 1 });
