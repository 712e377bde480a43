// A process caught in the middle of a migration: runs the app's ladder on DB, and inside step VERSION (after its
// real work, before it commits) says "inside" and blocks until it is killed.
import { openDatabase } from '../../main/db/open.ts';
import { migrations } from '../../main/db/migrations/index.ts';

const [dbPath, versionText] = process.argv.slice(2);
const version = Number(versionText);
const ladder = migrations.map((m) =>
  m.version !== version
    ? m
    : {
        ...m,
        up(db: Parameters<typeof m.up>[0]) {
          m.up(db);
          process.stdout.write('inside\n');
          // A synchronous wait: the transaction stays open, as in a step that takes long on a big file.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
        },
      },
);
openDatabase(dbPath!, { migrations: ladder });
