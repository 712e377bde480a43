import type { Migration } from '../migrate.ts';

/** Amazon's own numbers beside the local engine's: Buy Box offers on products, fee estimates on analyses. */
export const pricingMigration: Migration = {
  version: 5,
  name: 'pricing',
  up(db) {
    db.exec(`
      ALTER TABLE products ADD COLUMN offer_count INTEGER;
      ALTER TABLE products ADD COLUMN amazon_price_at INTEGER;
      ALTER TABLE analyses ADD COLUMN api_total_fees REAL;
      ALTER TABLE analyses ADD COLUMN api_referral_fee REAL;
      ALTER TABLE analyses ADD COLUMN api_fba_fee REAL;
      ALTER TABLE analyses ADD COLUMN api_fees_at INTEGER;
    `);
  },
};
