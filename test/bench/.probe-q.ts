import { openDatabase } from '../../main/db/open.ts';
import { tempDbPath } from '../support/temp-db.ts';
import { seedCatalog } from './table-bench.ts';
import { queryProducts, countProducts } from '../../main/products/query.ts';
const tmp = tempDbPath();
const db = openDatabase(tmp.path);
seedCatalog(db, 1, Number(process.argv[2] ?? 2000));
for (const q of [{ minRoi: 0.3 }, { verdict: ['buy'], minRoi: 0.5 }, {}, { verdict: ['buy'] }, { ungated: true }, { noAmazon: true }, { lookup: ['found'] }] as any[]) {
  const t = performance.now();
  for (let i = 0; i < 5; i++) queryProducts(db, { ...q, offset: 0, limit: 100 });
  const t1 = performance.now();
  countProducts(db, q);
  console.log(JSON.stringify(q), 'page ms', ((t1 - t) / 5).toFixed(1), 'count ms', (performance.now() - t1).toFixed(1));
}
db.close(); tmp.cleanup();
