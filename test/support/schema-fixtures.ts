// Databases of past schema versions filled with real-looking rows, for upgrade tests: the filler knows Pallet's tables
// and writes only the tables and columns the file actually has, so one filler serves every rung of the ladder.
import type Database from 'better-sqlite3';

type Row = Record<string, unknown>;

const T0 = 1_700_000_000_000;
const JOB_STATUSES = [
  'scheduled',
  'queued',
  'running',
  'retry_pending',
  'waiting_network',
  'paused',
  'completed',
  'failed',
  'cancelled',
];
const LOOKUP_STATUSES = ['pending', 'looking_up', 'found', 'not_found', 'ambiguous', 'retry_pending', 'failed'];

function jobs(): Row[] {
  return JOB_STATUSES.flatMap((status, i) =>
    ['import', 'lookup', 'analysis'].map((kind, k) => {
      const id = i * 3 + k + 1;
      const finished = ['completed', 'failed', 'cancelled'].includes(status);
      return {
        id,
        kind,
        status,
        priority: k,
        payload: JSON.stringify(
          kind === 'import' ? { path: `/data/supplier-${id}.csv` } : { productIds: [id, id + 1] },
        ),
        progress: JSON.stringify({ total: 100, done: 10 * i, succeeded: 9 * i, failed: i, skipped: 0, note: null }),
        checkpoint: status === 'running' || status === 'paused' ? JSON.stringify({ row: 40 * i }) : null,
        result: status === 'completed' ? JSON.stringify({ created: 12, updated: 3 }) : null,
        error:
          status === 'failed'
            ? JSON.stringify({ code: 'bad_file', message: 'The file ended mid-row.', retryable: false })
            : null,
        attempts: status === 'queued' ? 0 : 1,
        max_attempts: 3,
        run_at: T0 + id * 1000,
        lease_owner: status === 'running' ? `host:${4000 + id}:abcd1234` : null,
        lease_token: status === 'running' ? `token-${id}` : null,
        lease_expires_at: status === 'running' ? T0 + 30_000 : null,
        cancel_requested: 0,
        pause_requested: status === 'running' && k === 1 ? 1 : 0,
        parent_id: kind === 'analysis' ? id - 1 : null,
        dedupe_key: kind === 'lookup' && !finished ? `lookup:${id}` : null,
        created_at: T0 + id,
        started_at: status === 'queued' || status === 'scheduled' ? null : T0 + id + 5,
        finished_at: finished ? T0 + id + 500 : null,
        updated_at: T0 + id + 500,
      };
    }),
  );
}

function products(): Row[] {
  return Array.from({ length: 24 }, (_, i) => {
    const id = i + 1;
    const gtin = i % 6 === 5 ? null : `0003600029${String(1000 + i).padStart(4, '0')}`;
    const status = LOOKUP_STATUSES[i % LOOKUP_STATUSES.length]!;
    return {
      id,
      gtin14: gtin,
      sku: `SKU-${id}`,
      mpn: i % 2 ? `MPN${id}` : null,
      asin: status === 'found' ? `B0${String(id).padStart(8, '0')}` : null,
      name: `Widget ${id} – stainless, "deluxe"`,
      brand: ['Acme', 'Globex', 'Initech'][i % 3],
      category: 'Kitchen',
      cost: 1.25 + i * 0.5,
      currency: 'USD',
      price: 9.99 + i,
      pack_size: 1 + (i % 4),
      quantity: 100 - i,
      image_url: `https://img.example.com/${id}.jpg`,
      description: i % 3 ? null : 'A widget.',
      attributes: JSON.stringify({ color: ['red', 'blue'][i % 2] }),
      quality_score: 50 + i,
      name_brand_key: gtin ? null : `widget ${id}|acme`,
      import_id: 1 + (i % 3),
      created_import_id: 1 + (i % 2),
      lookup_status: status,
      lookup_attempts: status === 'failed' ? 3 : i % 2,
      next_lookup_at: status === 'retry_pending' ? T0 + 60_000 : null,
      potential_asins: status === 'ambiguous' ? JSON.stringify(['B000000001', 'B000000002']) : null,
      asin_found_at: status === 'found' ? T0 + 2000 : null,
      created_at: T0 + i,
      updated_at: T0 + 100 + i,
      weight_lb: 0.5 + i / 10,
      length_in: 6,
      width_in: 4,
      height_in: 2,
      sales_rank: 1000 * id,
      amazon_price: 19.99 + i,
      amazon_category: 'Home & Kitchen',
      user_price: i % 5 === 0 ? 24.5 : null,
      offer_count: i % 7,
      amazon_price_at: T0 + 3000,
      seen_import_id: 1 + (i % 3),
      seen_row: i + 2,
      cost_supplier_id: i === 3 ? 2 : null,
    };
  });
}

function imports(): Row[] {
  return ['completed', 'undone', 'running', 'failed'].map((status, i) => ({
    id: i + 1,
    job_id: i * 3 + 1 + (status === 'running' ? 6 : 0),
    file_name: `supplier-${i + 1}.csv`,
    file_path: `/home/seller/Downloads/supplier-${i + 1}.csv`,
    file_size: 12_345 + i,
    file_hash: `sha256-${i}`,
    encoding: 'utf-8',
    delimiter: i === 1 ? ';' : ',',
    decimal_sep: i === 1 ? ',' : '.',
    headers: JSON.stringify(['UPC', 'Description', 'Cost']),
    mapping: JSON.stringify({ gtin: 'UPC', name: 'Description', cost: 'Cost' }),
    fingerprint: `fp-${i % 2}`,
    status,
    counts: JSON.stringify({ created: 10, updated: 2, skipped: 1, failed: 0 }),
    error_report: status === 'failed' ? '/data/reports/import-4.csv' : null,
    created_at: T0 + i * 10,
    finished_at: status === 'running' ? null : T0 + i * 10 + 5,
    undone_at: status === 'undone' ? T0 + 50 : null,
    supplier_id: i < 2 ? i + 1 : null,
    header_row: i === 0 ? 3 : null,
  }));
}

/** Rows per table, parents before children. */
const TABLES: [string, () => Row[]][] = [
  ['jobs', jobs],
  [
    'job_errors',
    () =>
      [7, 19, 22].flatMap((jobId, i) => [
        {
          job_id: jobId,
          row_number: 10 + i,
          code: 'bad_gtin',
          message: 'Check digit is wrong.',
          raw: 'x,y',
          created_at: T0,
        },
        { job_id: jobId, row_number: null, code: 'not_found', message: 'No match.', raw: null, created_at: T0 + 1 },
      ]),
  ],
  ['queue_state', () => [{ key: 'paused', value: '0' }]],
  [
    'recurring_jobs',
    () => [
      {
        name: 'lookup-sweep',
        kind: 'lookup',
        payload: '{"sweep":true}',
        priority: 0,
        interval_ms: 300_000,
        next_run_at: T0 + 300_000,
        enabled: 1,
      },
    ],
  ],
  [
    'suppliers',
    () => [
      { id: 1, name: 'Acme Wholesale', created_at: T0 },
      { id: 2, name: 'Globex Distribution', created_at: T0 + 1 },
    ],
  ],
  ['imports', imports],
  ['products', products],
  [
    'import_changes',
    () =>
      [1, 2].flatMap((importId) =>
        [2, 5, 8].map((productId) => ({
          import_id: importId,
          product_id: productId,
          before: JSON.stringify({ cost: 1.1 * productId, name: `Old name ${productId}` }),
        })),
      ),
  ],
  [
    'supplier_mappings',
    () => [
      {
        fingerprint: 'fp-0',
        headers: '["UPC","Description","Cost"]',
        mapping: '{"gtin":"UPC"}',
        decimal_sep: '.',
        updated_at: T0,
        supplier: 'Acme Wholesale',
        header_row: 3,
      },
      {
        fingerprint: 'fp-1',
        headers: '["EAN","Name","Price"]',
        mapping: '{"gtin":"EAN"}',
        decimal_sep: ',',
        updated_at: T0,
        supplier: null,
        header_row: null,
      },
    ],
  ],
  [
    'analyses',
    () =>
      [1, 3, 4, 7, 10].flatMap((productId) =>
        ['US', 'CA'].map((marketplace, m) => ({
          product_id: productId,
          marketplace,
          sell_price: 19.99 + productId,
          price_source: m ? 'user' : 'amazon',
          referral_category: 'home_kitchen',
          referral_fee: 3.0,
          size_tier: 'large_standard',
          shipping_weight_lb: 1.2,
          fulfillment_fee: 4.75,
          storage_fee: 0.12,
          other_costs: 0.5,
          unit_cost: 2.5,
          total_fees: 7.87,
          profit: 9.62 - m,
          margin: 0.42,
          roi: 1.3,
          breakeven_cost: 12.1,
          max_cost_for_target_roi: 6.0,
          sales_rank: 4500,
          est_sales_low: 10,
          est_sales_mid: 25,
          est_sales_high: 60,
          flags: '["hazmat?"]',
          reasons: '[]',
          fee_schedule: '2024-02-15',
          computed_at: T0 + 9000,
          api_total_fees: 7.9,
          api_referral_fee: 3.0,
          api_fba_fee: 4.8,
          api_fees_at: T0 + 9001,
        })),
      ),
  ],
  [
    'reference_catalog',
    () =>
      [1, 2, 3].map((i) => ({
        gtin14: `0003600029100${i}`,
        asin: `B0REF0000${i}`,
        title: `Ref ${i}`,
        brand: 'Acme',
        source: 'keepa.csv',
        imported_at: T0,
      })),
  ],
  [
    'lookup_cache',
    () =>
      [1, 2].map((i) => ({
        gtin14: `0003600029100${i}`,
        marketplace: 'ATVPDKIKX0DER',
        provider: 'spapi',
        matches: `[{"asin":"B0REF0000${i}"}]`,
        fetched_at: T0,
      })),
  ],
  [
    'images',
    () =>
      ['a', 'b'].map((c, i) => ({
        sha256: c.repeat(64),
        format: 'jpeg',
        width: 500,
        height: 400 + i,
        bytes: 40_000,
        dhash: 'f0f0f0f0f0f0f0f0',
        created_at: T0,
      })),
  ],
  [
    'product_images',
    () =>
      ['pending', 'done', 'retry', 'failed'].map((status, i) => ({
        product_id: i + 1,
        position: 0,
        source: `https://img.example.com/${i + 1}.jpg`,
        status,
        attempts: status === 'pending' ? 0 : 1,
        error_code: status === 'failed' ? 'http_404' : null,
        error: status === 'failed' ? 'Not found' : null,
        sha256: status === 'done' ? 'a'.repeat(64) : null,
        next_try_at: status === 'retry' ? T0 + 60_000 : null,
        updated_at: T0,
      })),
  ],
  ['image_duplicates', () => [{ a_id: 6, b_id: 12, distance: 3, similarity: 0.93, found_at: T0, dismissed_at: null }]],
  [
    'supplier_offers',
    () =>
      [1, 2, 3, 4].map((p) => ({
        supplier_id: 1 + (p % 2),
        product_id: p,
        cost: 1.5 * p,
        currency: 'USD',
        case_pack: 6,
        moq: 12,
        first_seen_at: T0,
        last_seen_at: T0 + 10,
        first_import_id: 1,
        last_import_id: 2,
      })),
  ],
  [
    'supplier_offer_history',
    () =>
      [1, 2].flatMap((imp) =>
        [1, 2, 3].map((p) => ({
          supplier_id: imp,
          product_id: p,
          import_id: imp,
          cost: 1.5 * p + imp,
          currency: 'USD',
          case_pack: 6,
          moq: null,
        })),
      ),
  ],
];

/** The tables the filler knows how to fill. */
export const FILLED_TABLES = TABLES.map(([name]) => name);

/** The columns a table has in this file (empty when the table does not exist yet). */
export function columnsOf(db: Database.Database, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).sort();
}

/** Fills every known table the file has, with the columns it has; returns rows written per table. */
export function fillFixture(db: Database.Database): Record<string, number> {
  const written: Record<string, number> = {};
  db.transaction(() => {
    for (const [table, rows] of TABLES) {
      const cols = columnsOf(db, table);
      if (cols.length === 0) continue;
      for (const row of rows()) {
        const keys = Object.keys(row).filter((k) => cols.includes(k));
        db.prepare(`INSERT INTO ${table} (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`).run(
          ...keys.map((k) => row[k]),
        );
      }
      written[table] = rows().length;
    }
  })();
  return written;
}

/** Every user table's rows (all of their columns), in a stable order: what an upgrade must keep. */
export function snapshot(db: Database.Database): Map<string, { columns: string[]; rows: unknown[][] }> {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  return new Map(tables.map((t) => [t, readTable(db, t, columnsOf(db, t))]));
}

/** The rows of `table` restricted to `columns`, ordered by every one of them. */
export function readTable(db: Database.Database, table: string, columns: string[]) {
  const list = columns.map((c) => `"${c}"`).join(', ');
  const rows = db
    .prepare(`SELECT ${list} FROM "${table}" ORDER BY ${columns.map((_, i) => i + 1).join(', ')}`)
    .raw(true)
    .all() as unknown[][];
  return { columns, rows };
}
