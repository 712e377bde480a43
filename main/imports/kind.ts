// The imports domain's job kinds: `import` (a supplier file into the catalog) and `import_undo`.
import type { z } from 'zod';
import { defineJobKind } from '../queue/kinds.ts';
import { importPayloadSchema, type ImportPayload, type ImportResult } from './task.ts';
import { undoPayloadSchema, type UndoResult } from './undo.ts';

declare module '../queue/kinds.ts' {
  interface JobKinds {
    import: { payload: ImportPayload; result: ImportResult };
    import_undo: { payload: z.input<typeof undoPayloadSchema>; result: UndoResult };
  }
}

export const importKind = defineJobKind({ kind: 'import', payload: importPayloadSchema, label: 'Import' });

export const undoKind = defineJobKind({ kind: 'import_undo', payload: undoPayloadSchema, label: 'Undo import' });
