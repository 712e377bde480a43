import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import { createMappingStore, planImport } from '../../../main/imports/plan.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
let db: Db;
beforeEach(() => {
  tmp = tempDbPath();
  db = openDatabase(tmp.path);
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

describe('an import plan', () => {
  it('carries its mapping as the preview shows it: field → header, after the saved mapping and the overrides', async () => {
    const file = tmp.file('list.csv', 'UPC,Price,Notes,Title\n036000291452,1.50,x,Widget\n');
    const first = await planImport(file, { mapping: { Price: 'cost' } }, db);
    expect(first.previewMapping).toEqual({ gtin: 'UPC', cost: 'Price', name: 'Title' });
    // The supplier's saved mapping comes back the same way, and an override on top of it shows too.
    createMappingStore(db).save(first.fingerprint, first.headers, first.mapping, first.decimal);
    const again = await planImport(file, { mapping: { UPC: 'ignore' } }, db);
    expect(again.savedMappingUsed).toBe(true);
    expect(again.previewMapping).toEqual({ cost: 'Price', name: 'Title' });
  });
});
