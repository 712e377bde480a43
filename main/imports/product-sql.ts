import { ROW_COLUMNS } from './product-row.ts';

/** Product columns a row can change; a value the file leaves empty never erases what the catalog has. */
export const UPDATABLE = ROW_COLUMNS.slice(1, 19);

/** What undo restores (import_changes.before): every column an import writes. */
export const SNAPSHOT_COLUMNS = [...UPDATABLE, 'attributes', 'quality_score', 'import_id', 'updated_at'] as const;

/** SQL true when incoming row `s` (product column names) would change product `p`. */
export function differs(s: string, p: string): string {
  return [
    ...UPDATABLE.map((c) => `(${s}.${c} IS NOT NULL AND ${s}.${c} IS NOT ${p}.${c})`),
    `(${s}.attributes <> '{}' AND json_patch(${p}.attributes, ${s}.attributes) <> ${p}.attributes)`,
  ].join(' OR ');
}

/** SET items taking incoming row `s`'s non-empty cells over `products` and merging its attributes. */
export function takeCells(s: string): string[] {
  return [
    ...UPDATABLE.map((c) => `${c} = coalesce(${s}.${c}, products.${c})`),
    `attributes = json_patch(products.attributes, ${s}.attributes)`,
  ];
}

/**
 * The SET list of an upsert from incoming row `s` (with `seen_row`) over products: every row marks the product seen
 * by this import at its row; only a row that differs changes it (empty cells keep the catalog's value, attributes
 * merge) and stamps it. `imp` and `now`: SQL for the import's id and the time (by default, the parameters :imp and
 * :now).
 */
export function seenSetFrom(s: string, imp = ':imp', now = ':now'): string {
  const d = differs(s, 'products');
  return [
    ...takeCells(s),
    `quality_score = CASE WHEN ${d} THEN max(products.quality_score, ${s}.quality_score) ELSE products.quality_score END`,
    `import_id = CASE WHEN ${d} THEN ${imp} ELSE products.import_id END`,
    `updated_at = CASE WHEN ${d} THEN ${now} ELSE products.updated_at END`,
    `seen_import_id = ${imp}`,
    `seen_row = ${s}.seen_row`,
  ].join(', ');
}

/** SQL for product `p`'s state as undo restores it. */
export function snapshotOf(p: string): string {
  return `json_object(${SNAPSHOT_COLUMNS.map((c) => `'${c}', ${p}.${c}`).join(', ')})`;
}
