import type { Migration } from '../migrate.ts';

/**
 * The products the seller asked to have decided now (the window's "Check again with Amazon"): a running decide job
 * reads this small table every ~250 ms and decides them ahead of its own list, so a viewed product never waits behind
 * a long run. A request is deleted in the transaction that saves its verdict, so a crash loses none. `claimed_job`
 * says which run has it in hand (the window can show it as under way; another worker's run leaves it alone).
 */
export const decideRequestsMigration: Migration = {
  version: 15,
  name: 'decide-requests',
  up(db) {
    db.exec(`
      CREATE TABLE decide_requests (
        product_id   INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        marketplace  TEXT    NOT NULL,
        requested_at INTEGER NOT NULL,
        claimed_job  INTEGER,
        claimed_at   INTEGER,
        PRIMARY KEY (product_id, marketplace)
      ) WITHOUT ROWID;
      CREATE INDEX decide_requests_order ON decide_requests(marketplace, requested_at);
    `);
  },
};
