// "Show products" of a list: every product the list named — created, changed, or named again unchanged.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countProducts, queryProducts } from '../../../main/products/query.ts';
import type { ImportResult } from '../../../main/imports/task.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';

describe('the products of one list', { timeout: 120_000 }, () => {
  let t: TestEngine;
  const ids: number[] = [];
  beforeAll(async () => {
    t = await startTestEngine({ kinds: ['import'] });
    const lists = [
      'UPC,Name,Brand,Cost\n036000291452,Widget,Acme,2.50\n4006381333931,Gadget,Acme,1.00\n',
      // The same supplier a month later: the widget unchanged, the gadget dearer, a new item.
      'UPC,Name,Brand,Cost\n036000291452,Widget,Acme,2.50\n4006381333931,Gadget,Acme,1.20\n9780306406157,Book,Acme,4.00\n',
    ];
    for (const [i, csv] of lists.entries()) {
      const path = join(t.dir, `acme-${i + 1}.csv`);
      writeFileSync(path, csv);
      const job = await t.run({ kind: 'import', payload: { path, supplier: 'Acme', lookupAfter: false } });
      expect(job.status).toBe('completed');
      ids.push((job.result as ImportResult).importId);
    }
  });
  afterAll(async () => t?.stop());

  it("includes the products a supplier's list named unchanged, as well as those it created or changed", () => {
    const names = (importId: number) =>
      queryProducts(t.db, { importId, limit: 100, offset: 0 })
        .map((p) => p.name)
        .sort();
    expect(names(ids[0]!)).toEqual(['Gadget', 'Widget']);
    expect(names(ids[1]!)).toEqual(['Book', 'Gadget', 'Widget']);
    expect(countProducts(t.db, { importId: ids[1]! })).toBe(3);
  });
});
