import type { Migration } from '../migrate.ts';
import { jobsMigration } from './001-jobs.ts';
import { catalogMigration } from './002-catalog.ts';
import { analysisMigration } from './003-analysis.ts';
import { lookupsMigration } from './004-lookups.ts';
import { pricingMigration } from './005-pricing.ts';
import { imagesMigration } from './006-images.ts';
import { statusPredicatesMigration } from './007-status-predicates.ts';
import { importSeenMigration } from './008-import-seen.ts';
import { suppliersMigration } from './009-suppliers.ts';
import { headerRowMigration } from './010-header-row.ts';
import { decisionsMigration } from './011-decisions.ts';
import { offersOneIndexMigration } from './012-offers-one-index.ts';
import { verdictHistoryMigration } from './013-verdict-history.ts';
import { jobLogsMigration } from './014-job-logs.ts';
import { decideRequestsMigration } from './015-decide-requests.ts';
import { referenceFactsMigration } from './016-reference-facts.ts';
import { offersKeysOnlyMigration } from './017-offers-keys-only.ts';
import { productsUncheckedImportsMigration } from './018-products-unchecked-imports.ts';
import { offersFromHistoryMigration } from './019-offers-from-history.ts';
import { offersOfCreatedProductsMigration } from './020-offers-of-created-products.ts';

/** The app's schema ladder, oldest first. Append only: never edit a migration that has shipped. */
export const migrations: readonly Migration[] = [
  jobsMigration,
  catalogMigration,
  analysisMigration,
  lookupsMigration,
  pricingMigration,
  imagesMigration,
  statusPredicatesMigration,
  importSeenMigration,
  suppliersMigration,
  headerRowMigration,
  decisionsMigration,
  offersOneIndexMigration,
  verdictHistoryMigration,
  jobLogsMigration,
  decideRequestsMigration,
  referenceFactsMigration,
  offersKeysOnlyMigration,
  productsUncheckedImportsMigration,
  offersFromHistoryMigration,
  offersOfCreatedProductsMigration,
];
