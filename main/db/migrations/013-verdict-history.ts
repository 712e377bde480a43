import type { Migration } from '../migrate.ts';

/**
 * Every verdict a product had, and when: a supplier's new list can then say which products' verdicts changed after
 * it arrived. Written by triggers on `analyses`, so no writer can forget it; they fire only when the verdict differs
 * (re-analysis that keeps it writes nothing here).
 */
export const verdictHistoryMigration: Migration = {
  version: 13,
  name: 'verdict-history',
  up(db) {
    db.exec(`
      CREATE TABLE verdict_history (
        product_id  INTEGER NOT NULL,
        marketplace TEXT    NOT NULL,
        decided_at  INTEGER NOT NULL,
        seq         INTEGER NOT NULL,
        verdict     TEXT    CHECK (verdict IN ('buy', 'check', 'skip')),
        PRIMARY KEY (product_id, marketplace, decided_at, seq)
      ) WITHOUT ROWID;

      CREATE TRIGGER analyses_verdict_insert AFTER INSERT ON analyses WHEN new.verdict IS NOT NULL
      BEGIN
        INSERT INTO verdict_history (product_id, marketplace, decided_at, seq, verdict)
        VALUES (new.product_id, new.marketplace, coalesce(new.decided_at, new.computed_at),
          (SELECT count(*) FROM verdict_history WHERE product_id = new.product_id AND marketplace = new.marketplace),
          new.verdict);
      END;

      CREATE TRIGGER analyses_verdict_update AFTER UPDATE OF verdict ON analyses WHEN new.verdict IS NOT old.verdict
      BEGIN
        INSERT INTO verdict_history (product_id, marketplace, decided_at, seq, verdict)
        VALUES (new.product_id, new.marketplace, coalesce(new.decided_at, new.computed_at),
          (SELECT count(*) FROM verdict_history WHERE product_id = new.product_id AND marketplace = new.marketplace),
          new.verdict);
      END;

      -- Verdicts already given count as of when they were decided.
      INSERT INTO verdict_history (product_id, marketplace, decided_at, seq, verdict)
      SELECT product_id, marketplace, coalesce(decided_at, computed_at), 0, verdict FROM analyses WHERE verdict IS NOT NULL;
    `);
  },
};
