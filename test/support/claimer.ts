// A second process on the same database: claims and completes jobs until none are left, prints the ids it claimed.
import { openDatabase } from '../../main/db/open.ts';
import type { AnyKinds } from '../../main/queue/kinds.ts';
import { createQueue } from '../../main/queue/queue.ts';

const [dbPath, batch] = process.argv.slice(2);
const db = openDatabase(dbPath!);
const queue = createQueue<AnyKinds>({ db });
const mine: number[] = [];
let idle = 0;
while (idle < 20) {
  const got = queue.claim('work', { limit: Number(batch ?? 1) });
  if (got.length === 0) {
    idle++;
    await new Promise((r) => setTimeout(r, 5));
    continue;
  }
  idle = 0;
  for (const c of got) {
    mine.push(c.job.id);
    queue.complete(c.lease, { by: process.pid });
  }
}
db.close();
process.stdout.write(JSON.stringify(mine));
