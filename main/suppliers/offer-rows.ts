// A list's offers, as every reader sees them: its history rows, and the products it created as it wrote them. An
// import whose `created_to` is set (migration 020) wrote no history row for a product it created: that product is its
// offer until its cost, currency or case pack changes, and the trigger writes the row out before any such change.

/**
 * A subquery (in parentheses) yielding the offer rows of the imports, alias `i`, that `where` selects, with history's
 * columns (supplier_id, product_id, import_id, cost, currency, case_pack, moq): the history rows first, then the
 * products created and not written out, each in product order. `where` appears twice: bind its parameters by name.
 */
export function offerRows(where: string): string {
  return `(SELECT h.supplier_id, h.product_id, h.import_id, h.cost, h.currency, h.case_pack, h.moq
      FROM imports i CROSS JOIN supplier_offer_history h ON h.import_id = i.id WHERE ${where}
    UNION ALL
    SELECT i.supplier_id, p.id, i.id, p.cost, p.currency, p.pack_size, NULL
      FROM imports i CROSS JOIN products p ON p.id BETWEEN i.created_from AND i.created_to
      WHERE (${where}) AND i.created_to IS NOT NULL AND p.created_import_id = i.id
        AND NOT EXISTS (SELECT 1 FROM supplier_offer_history n WHERE n.import_id = i.id AND n.product_id = p.id))`;
}

/**
 * LEFT JOINs finding the offer of import `imp` (an alias with the imports row's `id` and `created_to`) on product
 * `product` (an SQL expression), under alias `as`: one key lookup in history, one in products when it has no row.
 * Read what was found with offerFound and offerValue.
 */
export function offerJoin(imp: string, product: string, as: string): string {
  return `LEFT JOIN supplier_offer_history ${as}_h ON ${as}_h.import_id = ${imp}.id AND ${as}_h.product_id = ${product}
    LEFT JOIN products ${as}_p ON ${as}_h.import_id IS NULL AND ${imp}.created_to IS NOT NULL
      AND ${as}_p.id = ${product} AND ${as}_p.created_import_id = ${imp}.id`;
}

/** SQL true when offerJoin(…, `as`) found an offer. */
export function offerFound(as: string): string {
  return `(${as}_h.import_id IS NOT NULL OR ${as}_p.id IS NOT NULL)`;
}

/** SQL reading a column of the offer offerJoin(…, `as`) found (NULL when none). */
export function offerValue(as: string, column: 'cost' | 'currency' | 'case_pack' | 'moq'): string {
  if (column === 'moq') return `${as}_h.moq`;
  const own = column === 'case_pack' ? 'pack_size' : column;
  return `iif(${as}_h.import_id IS NULL, ${as}_p.${own}, ${as}_h.${column})`;
}
