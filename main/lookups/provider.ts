/** One catalog listing a barcode led to, with what analysis and the window need. */
export interface CatalogMatch {
  asin: string;
  title: string | null;
  brand: string | null;
  category: string | null;
  salesRank: number | null;
  package: { lengthIn: number; widthIn: number; heightIn: number; weightLb: number } | null;
  imageUrl: string | null;
  /** How many units one order of this ASIN brings (attributes.item_package_quantity); absent when not given. */
  packageQuantity?: number;
  /** Identical items in the selling unit (attributes.number_of_items). */
  numberOfItems?: number;
  /** The variation parent when this ASIN is a child (relationships VARIATION parentAsins). */
  parentAsin?: string;
  /** The variation theme, e.g. "SIZE_NAME/COLOR_NAME". */
  variationTheme?: string;
  /** True when this ASIN is a variation parent (it lists childAsins): not buyable itself. */
  isVariationParent?: boolean;
  /** Every rank Amazon gave: the display-group ranks (kind "group") and the classification ranks ("classification"). */
  salesRanks?: SalesRank[];
  /** Dangerous-goods hints from the item's attributes: 'review' when any says dangerous goods (why in reasons). */
  hazmat?: { status: 'none' | 'review'; reasons: string[] };
}

/** One sales rank: a display group (the top-level BSR) or a browse classification (a sub-category). */
export interface SalesRank {
  kind: 'group' | 'classification';
  /** websiteDisplayGroup or classificationId. */
  id: string;
  title: string | null;
  rank: number;
}

/** The provider's answer for one barcode: no match, one, or several (ambiguous). */
export interface LookupAnswer {
  gtin14: string;
  matches: CatalogMatch[];
  /** Set when this barcode's request failed (its batch is retried later; other batches are unaffected). */
  error?: { code: string; message: string };
}

/** Where ASINs come from: Amazon's SP-API, or the local reference catalog. */
export interface LookupProvider {
  readonly id: 'spapi' | 'catalog';
  readonly marketplace: string;
  /** How many barcodes one call may carry. */
  readonly maxBatch: number;
  /**
   * Looks up barcodes (GTIN-14). Throws NetworkUnavailableError when offline (nothing is spent) and ProviderError when
   * the provider answered with something unusable (that batch is retried later).
   */
  lookup(gtins: readonly string[], signal: AbortSignal): Promise<LookupAnswer[]>;
}

/** A provider answer that cannot be used: a malformed body, an error it returned, retries exhausted. */
export class ProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** False when asking again cannot help (refused credentials): the job fails until the user acts. */
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
