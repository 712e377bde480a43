import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Db } from '../db/open.ts';
import type { Field } from './fields.ts';

/** One import as the catalog remembers it. */
export interface ImportRecord {
  id: number;
  jobId: number | null;
  fileName: string;
  filePath: string;
  fileSize: number;
  fileHash: string;
  encoding: string;
  delimiter: string;
  decimal: '.' | ',';
  headers: string[];
  /** The file line holding the column names (null: an import from before Pallet looked for it: the first non-blank). */
  headerRow: number | null;
  /** field → header */
  mapping: Partial<Record<Field, string>>;
  fingerprint: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'undoing' | 'undone';
  counts: ImportCounts | null;
  errorReport: string | null;
  createdAt: number;
  finishedAt: number | null;
  undoneAt: number | null;
}

/** What an import did, row by row. */
export interface ImportCounts {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  rejected: number;
  blank: number;
  warnings: number;
  /**
   * Rows after the data that are not data ("Total items: 40", "Page 1 of 1"): skipped, not reported. Absent from
   * imports recorded before Pallet looked for them.
   */
  footers?: number;
}

interface Row {
  id: number;
  job_id: number | null;
  file_name: string;
  file_path: string;
  file_size: number;
  file_hash: string;
  encoding: string;
  delimiter: string;
  decimal_sep: string;
  headers: string;
  header_row: number | null;
  mapping: string;
  fingerprint: string;
  status: ImportRecord['status'];
  counts: string | null;
  error_report: string | null;
  created_at: number;
  finished_at: number | null;
  undone_at: number | null;
}

const fromRow = (r: Row): ImportRecord => ({
  id: r.id,
  jobId: r.job_id,
  fileName: r.file_name,
  filePath: r.file_path,
  fileSize: r.file_size,
  fileHash: r.file_hash,
  encoding: r.encoding,
  delimiter: r.delimiter,
  decimal: r.decimal_sep as '.' | ',',
  headers: JSON.parse(r.headers),
  headerRow: r.header_row,
  mapping: JSON.parse(r.mapping),
  fingerprint: r.fingerprint,
  status: r.status,
  counts: r.counts ? JSON.parse(r.counts) : null,
  errorReport: r.error_report,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
  undoneAt: r.undone_at,
});

/** Identifies a file's content cheaply: its size and a SHA-256 of its first MiB. */
export async function fileIdentity(path: string): Promise<{ size: number; hash: string }> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(size, 1 << 20));
    await fh.read(buf, 0, buf.length, 0);
    return { size, hash: createHash('sha256').update(buf).digest('hex') };
  } finally {
    await fh.close();
  }
}

export type NewImport = Omit<
  ImportRecord,
  'id' | 'status' | 'counts' | 'finishedAt' | 'undoneAt' | 'createdAt' | 'headerRow'
> & { headerRow?: number | null };

/** The `imports` table. */
export function createImportStore(db: Db) {
  const stmt = {
    byId: db.prepare<[number], Row>('SELECT * FROM imports WHERE id = ?'),
    byJob: db.prepare<[number], Row>('SELECT * FROM imports WHERE job_id = ?'),
    list: db.prepare<[number], Row>('SELECT * FROM imports ORDER BY id DESC LIMIT ?'),
    insert: db.prepare(
      `INSERT INTO imports (job_id, file_name, file_path, file_size, file_hash, encoding, delimiter, decimal_sep, headers, header_row, mapping, fingerprint, error_report, created_at)
       VALUES (@jobId, @fileName, @filePath, @fileSize, @fileHash, @encoding, @delimiter, @decimal, @headers, @headerRow, @mapping, @fingerprint, @errorReport, @createdAt)`,
    ),
    finish: db.prepare('UPDATE imports SET status = ?, counts = ?, finished_at = ? WHERE id = ?'),
    setStatus: db.prepare('UPDATE imports SET status = ? WHERE id = ?'),
  };
  return {
    get: (id: number): ImportRecord | null => {
      const r = stmt.byId.get(id);
      return r ? fromRow(r) : null;
    },
    byJob: (jobId: number): ImportRecord | null => {
      const r = stmt.byJob.get(jobId);
      return r ? fromRow(r) : null;
    },
    list: (limit = 100): ImportRecord[] => stmt.list.all(limit).map(fromRow),
    create(rec: NewImport): ImportRecord {
      const info = stmt.insert.run({
        ...rec,
        headers: JSON.stringify(rec.headers),
        headerRow: rec.headerRow ?? null,
        mapping: JSON.stringify(rec.mapping),
        createdAt: Date.now(),
      });
      return fromRow(stmt.byId.get(Number(info.lastInsertRowid))!);
    },
    finish(id: number, status: ImportRecord['status'], counts: ImportCounts | null): void {
      stmt.finish.run(status, counts ? JSON.stringify(counts) : null, Date.now(), id);
    },
    setStatus(id: number, status: ImportRecord['status']): void {
      stmt.setStatus.run(status, id);
    },
  };
}
export type ImportStore = ReturnType<typeof createImportStore>;
