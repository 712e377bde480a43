import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { syntheticUpc, writeSupplierFile } from '../../main/bench/supplier-file.ts';
import { stagingDir } from '../../main/imports/data-paths.ts';
import { stagingNeeded } from '../../main/imports/staging-files.ts';
import { tsxLoader } from '../../main/workers/entry-path.ts';
import { CREDENTIALS, startSpApiDouble } from '../support/spapi-double.ts';
import { alive, childrenOf } from '../support/proc.ts';
import {
  digestImages,
  imageAttempts,
  orphanedImageFiles,
  settledSources,
  startImageHosts,
  unsettledImages,
} from './crash-owner-images.ts';

// "The owner dies" (issue 24): the process that runs the queue and scheduler — the `pallet` CLI engine, standing in
// for the app's main — is SIGKILLed at a random moment of an import, an analysis, a lookup or an images run, then
// started again:
// with `pallet work` when the CLI has it (it runs what is runnable, the dead owner's job included, and exits), else
// with the same command (which enqueues its own job as well and runs the dead owner's too: that extra job is what
// `doubled` counts). Each trial ends compared with a clean run of the same command (followed by `pallet work` when
// restarts use it, so both sides ran the same follow-up jobs).

const BUILT = fileURLToPath(new URL('../../dist/node/pallet.js', import.meta.url));
const SOURCE = fileURLToPath(new URL('../../main/cli/bin.ts', import.meta.url));

/** Columns that say when or under which import id a row was written, not what it holds: left out of the digest. */
const VOLATILE = new Set([
  'id',
  'product_id',
  'import_id',
  'created_import_id',
  'seen_import_id',
  'seen_row',
  'created_at',
  'updated_at',
  'computed_at',
  'next_lookup_at',
  'asin_found_at',
  'amazon_price_at',
  'api_fees_at',
  'decided_at',
]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A digest of what the catalog holds: products and their analyses, and each product's images (rows, stored images and
 * the bytes of their files), by barcode, without ids, times and paths.
 */
export function catalogDigest(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true });
  try {
    const hash = createHash('sha256');
    const cols = (table: string) =>
      (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]).filter(
        (c) => !VOLATILE.has(c),
      );
    const p = cols('products').map((c) => `p.${c}`);
    const a = cols('analyses').map((c) => `a.${c}`);
    // Ordered by what identifies a product, so rowids assigned differently after a crash do not count as a difference.
    const order = 'ORDER BY p.gtin14, p.sku, p.name, p.brand';
    for (const row of db
      .prepare(`SELECT ${p.join(', ')} FROM products p ${order}`)
      .raw(true)
      .iterate())
      hash.update(JSON.stringify(row));
    hash.update('|analyses|');
    for (const row of db
      .prepare(
        `SELECT p.gtin14, p.sku, p.name, ${a.join(', ')} FROM analyses a JOIN products p ON p.id = a.product_id ${order}, a.marketplace`,
      )
      .raw(true)
      .iterate()) {
      hash.update(JSON.stringify(row));
    }
    digestImages(db, dbPath, hash);
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

interface JobRow {
  id: number;
  status: string;
  lease_owner: string | null;
}

/** The jobs of one kind, read on a connection of the bench's own (the owner may be writing). */
function jobsOf(dbPath: string, kind: string): JobRow[] {
  if (!existsSync(dbPath)) return [];
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { readonly: true, timeout: 5_000 });
    return db.prepare('SELECT id, status, lease_owner FROM jobs WHERE kind = ? ORDER BY id').all(kind) as JobRow[];
  } catch {
    // A database the owner is still creating or migrating: no jobs yet.
    return [];
  } finally {
    db?.close();
  }
}

/** From the first job of `kind` enqueued to the last one finished, per the jobs table. */
function jobSpanMs(dbPath: string, kind: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    const r = db.prepare('SELECT MIN(created_at) AS a, MAX(finished_at) AS b FROM jobs WHERE kind = ?').get(kind) as {
      a: number;
      b: number;
    };
    return r.b - r.a;
  } finally {
    db.close();
  }
}

/** Staging files of database `dbPath` of imports that no longer need them (finished, or gone). */
function stagingLeft(dbPath: string): number {
  let names: string[];
  try {
    names = readdirSync(stagingDir(dbPath));
  } catch {
    return 0;
  }
  const db = new Database(dbPath, { readonly: true });
  try {
    return names.filter((n) => {
      const id = /^import-(\d+)\.db/.exec(n)?.[1];
      return id !== undefined && !stagingNeeded(db as never, Number(id));
    }).length;
  } finally {
    db.close();
  }
}

interface Owner {
  proc: ChildProcess;
  exited: Promise<number | null>;
  out: () => string;
}

/** Starts the `pallet` CLI with `args` (its output collected, never shown). */
function startOwner(cli: string[], args: string[], env: NodeJS.ProcessEnv = process.env): Owner {
  const proc = spawn(process.execPath, [...cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, exited, out: () => out };
}

/** Whether this CLI has `pallet work` (another change adds it): its usage lists the command. */
async function hasWorkCommand(cli: string[]): Promise<boolean> {
  const help = startOwner(cli, ['--help']);
  await finish(help, 60_000);
  return /^\s+work\s/m.test(help.out());
}

/** Waits for an owner to exit by itself; past `ms` it is killed and counted as hung. */
async function finish(owner: Owner, ms: number): Promise<'ok' | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    owner.exited.then(() => 'ok' as const),
    new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), ms))),
  ]);
  clearTimeout(timer);
  if (result === 'hung') {
    owner.proc.kill('SIGKILL');
    await owner.exited;
  }
  return result;
}

/** One searchCatalogItems request as it reached the double: when, and its identifiers as GTIN-14. */
interface SearchRequest {
  at: number;
  gtins: string[];
}

/** A pass-through in front of the SP-API double that records every catalog search's identifiers. */
async function searchRecorder(target: string): Promise<{ url: string; searches: SearchRequest[]; server: Server }> {
  const searches: SearchRequest[] = [];
  const to = new URL(target);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const ids = url.searchParams.get('identifiers');
    if (ids)
      searches.push({
        at: Date.now(),
        gtins: ids
          .split(',')
          .filter(Boolean)
          .map((id) => id.padStart(14, '0')),
      });
    const fwd = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, searches, server };
}

/** The GTIN-14s whose lookup answers are stored (the cache a resumed lookup must not ask for again). */
function storedAnswers(dbPath: string): Set<string> {
  const db = new Database(dbPath, { readonly: true });
  try {
    return new Set(db.prepare('SELECT gtin14 FROM lookup_cache').pluck().all() as string[]);
  } finally {
    db.close();
  }
}

interface Scenario {
  kind: 'import' | 'analysis' | 'lookup' | 'images';
  env?: NodeJS.ProcessEnv;
  /** The jobs one run of the command enqueues. */
  jobsPerRun: number;
  args: (dbPath: string) => string[];
  /** A database to start each trial from (null: an empty data folder). */
  base: string | null;
}

/** Per-scenario tallies. */
interface Tally {
  trials: number;
  killsMidJob: number;
  lost: number;
  doubled: number;
  digestMismatches: number;
  orphansAlive: number;
  stagingLeft: number;
  hung: number;
  resumedMs: number[];
  /** Searches sent after the kill for a barcode whose answer was already stored. */
  repeated: number;
  /** Images: recorded more often than in a clean run, or counted twice in the job's result. */
  doubledImages: number;
  /** Images: downloads after the kill of an address whose outcome was already stored. */
  imageRepeated: number;
  /** Images: files no stored image owns, and owned files missing. */
  imageOrphans: number;
}

/**
 * SIGKILLs the `pallet` CLI (the queue's owner) at random moments of imports, analyses, lookups and images runs,
 * restarts it, and checks every job ended once, the catalog (images included) equals a clean run's, no worker outlived
 * its owner, no finished import left staging files, nothing stored was asked for again and no image file is orphaned.
 */
export async function runCrashOwnerBench(
  opts: {
    trials?: number;
    /** Trials of the images run (default: `trials`). */
    imageTrials?: number;
    rows?: number;
    lookupRows?: number;
    /** Distinct images the images run downloads. */
    images?: number;
    parallel?: boolean;
    log?: (l: string) => void;
  } = {},
) {
  const trials = opts.trials ?? 20;
  const imageTrials = opts.imageTrials ?? trials;
  // ~200 photos of 800×600 are a few seconds of downloads, thumbnails and hashes for one worker here.
  const images = opts.images ?? 200;
  const rows = opts.rows ?? 50_000;
  // The double answers at Amazon's 2 req/s, 20 barcodes a request: 300 barcodes are ~7 s of lookups.
  const lookupRows = opts.lookupRows ?? 300;
  const log = opts.log ?? (() => {});
  const built = existsSync(BUILT) && !process.env.PALLET_CRASH_OWNER_SOURCE;
  const cli = built ? [BUILT] : ['--import', tsxLoader(), SOURCE];
  const root = mkdtempSync(join(tmpdir(), 'pallet-crash-owner-'));
  const strays: number[] = [];
  // First: making the photos is the one step here that can fail before anything else is started.
  const hosts = await startImageHosts(root, images);
  // Every third barcode is on "Amazon"; the rest are not found (each still costs its place in a request).
  const api = await startSpApiDouble({
    items: Array.from({ length: Math.ceil(lookupRows / 3) }, (_, i) => ({
      asin: `B0${String(i).padStart(8, '0')}`,
      identifiers: [{ type: 'UPC' as const, value: syntheticUpc(i * 3) }],
    })),
  });
  const recorder = await searchRecorder(api.endpoint);
  try {
    const work = await hasWorkCommand(cli);
    const restartArgs = (scenario: Scenario, db: string) => (work ? ['work', '--db', db, '--json'] : scenario.args(db));
    // In no order, so imports take the staged path: staging files exist to be left behind.
    const file = join(root, 'supplier.csv');
    await writeSupplierFile(file, rows, 'random');
    const importArgs = (db: string) => ['import', file, '--db', db, '--json'];
    const analysisArgs = (db: string) => ['analyze', '--all', '--db', db, '--json'];

    // Clean runs: the reference digests, and how long each command takes (the window kills are drawn from).
    const clean = async (name: string, args: string[], base: string | null, env?: NodeJS.ProcessEnv, drain = true) => {
      const dir = join(root, name);
      mkdirSync(dir);
      const db = join(dir, 'pallet.db');
      if (base) copyDb(base, db);
      const started = Date.now();
      const owner = startOwner(
        cli,
        args.map((a) => (a === '@DB' ? db : a)),
        env,
      );
      if ((await finish(owner, 300_000)) === 'hung' || owner.proc.exitCode !== 0)
        throw new Error(`clean ${name} failed: ${owner.out().slice(-2_000)}`);
      const ms = Date.now() - started;
      // Whatever follow-up jobs the command queued, a restart with `pallet work` runs them: so does the reference.
      if (work && drain && (await finish(startOwner(cli, ['work', '--db', db, '--json'], env), 300_000)) === 'hung')
        throw new Error(`pallet work after clean ${name} hung`);
      const kind = args[0] === 'analyze' ? 'analysis' : args[0]!;
      const outcome = jobsOf(db, kind).at(-1);
      if (outcome?.status !== 'completed') throw new Error(`clean ${name}: its ${kind} job ended ${outcome?.status}`);
      return { db, ms, jobMs: jobSpanMs(db, kind), digest: catalogDigest(db) };
    };
    // Lookups: products imported from a small file listed by barcode, without the lookup that import queued (the
    // `pallet lookup` under test would run it too), then `pallet lookup` against the double through the recorder.
    const lookupFile = join(root, 'lookup.csv');
    await writeSupplierFile(lookupFile, lookupRows, 'barcode');
    const lookupEnv = {
      ...process.env,
      PALLET_SPAPI_ENDPOINT: recorder.url,
      PALLET_LWA_URL: api.tokenUrl,
      PALLET_SPAPI_CLIENT_ID: CREDENTIALS.clientId,
      PALLET_SPAPI_CLIENT_SECRET: CREDENTIALS.clientSecret,
      PALLET_SPAPI_REFRESH_TOKEN: CREDENTIALS.refreshToken,
    };
    const lookupArgs = (db: string) => ['lookup', '--provider', 'spapi', '--pending', '--db', db, '--json'];
    const chains = [
      async () => {
        const imp = await clean('clean-import', importArgs('@DB'), null);
        return [imp, await clean('clean-analysis', analysisArgs('@DB'), imp.db)] as const;
      },
      async () => {
        // Not drained: `pallet work` would run the lookup the import queued (with the catalog provider) first.
        const base = await clean(
          'lookup-base',
          ['import', lookupFile, '--db', '@DB', '--json'],
          null,
          undefined,
          false,
        );
        const baseDb = new Database(base.db);
        baseDb.prepare("DELETE FROM jobs WHERE kind = 'lookup'").run();
        baseDb.close();
        return [base, await clean('clean-lookup', lookupArgs('@DB'), base.db, lookupEnv)] as const;
      },
      async () => {
        // Products linking the image hosts, without the lookup and images jobs their import queued: `pallet images`
        // under test is the one images run (and `pallet work` after it has nothing else to do).
        const base = await clean(
          'images-base',
          ['import', hosts.list, '--db', '@DB', '--json'],
          null,
          undefined,
          false,
        );
        const baseDb = new Database(base.db);
        baseDb.prepare("DELETE FROM jobs WHERE kind <> 'import'").run();
        baseDb.close();
        return [base, await clean('clean-images', imagesArgs('@DB'), base.db)] as const;
      },
    ] as const;
    const imagesArgs = (db: string) => ['images', '--db', db, '--json'];
    // Side by side only for a smoke run: contention would stretch the job times the kill moments are drawn from.
    const [[cleanImport, cleanAnalysis], [lookupBase, cleanLookup], [imagesBase, cleanImages]] = opts.parallel
      ? await Promise.all([chains[0](), chains[1](), chains[2]()])
      : [await chains[0](), await chains[1](), await chains[2]()];
    const cleanRequests = recorder.searches.length;
    if (cleanRequests === 0) throw new Error('the clean lookup sent no request to the SP-API double');
    const cleanImageRequests = [...hosts.hits().values()].reduce((n, h) => n + h, 0);
    const cleanSide = (() => {
      const db = new Database(cleanImages.db, { readonly: true });
      try {
        const orphans = orphanedImageFiles(db, cleanImages.db);
        if (orphans.count)
          throw new Error(`the clean images run left files: ${orphans.examples.slice(0, 5).join(', ')}`);
        if (unsettledImages(db)) throw new Error('the clean images run left images unsettled');
        return { attempts: imageAttempts(db), settled: imageResultTotal(db) };
      } finally {
        db.close();
      }
    })();
    if (cleanImageRequests < images)
      throw new Error(`the clean images run sent ${cleanImageRequests} requests for ${images} images`);
    log(
      `clean runs: import ${cleanImport.ms} ms, analysis ${cleanAnalysis.ms} ms, lookup ${cleanLookup.ms} ms with ${cleanRequests} requests, images ${cleanImages.ms} ms with ${cleanImageRequests} requests (${built ? 'built' : 'source'} CLI, restarts with ${work ? '`pallet work`' : 'the same command'})`,
    );

    const scenarios: [Scenario, { db: string; jobMs: number; digest: string }][] = [
      [{ kind: 'import', jobsPerRun: 1, args: importArgs, base: null }, cleanImport],
      [{ kind: 'analysis', jobsPerRun: 2, args: analysisArgs, base: cleanImport.db }, cleanAnalysis],
      [{ kind: 'lookup', jobsPerRun: 1, args: lookupArgs, base: lookupBase.db, env: lookupEnv }, cleanLookup],
      [{ kind: 'images', jobsPerRun: 1, args: imagesArgs, base: imagesBase.db }, cleanImages],
    ];
    const tallies: Tally[] = scenarios.map(() => ({
      trials: 0,
      killsMidJob: 0,
      lost: 0,
      doubled: 0,
      digestMismatches: 0,
      orphansAlive: 0,
      stagingLeft: 0,
      hung: 0,
      resumedMs: [],
      repeated: 0,
      doubledImages: 0,
      imageRepeated: 0,
      imageOrphans: 0,
    }));
    const runScenario = async ([scenario, reference]: (typeof scenarios)[number], t: Tally) => {
      let redraws = 0;
      for (let i = 0; i < (scenario.kind === 'images' ? imageTrials : trials); i++) {
        const dir = join(root, `${scenario.kind}-${i}`);
        mkdirSync(dir);
        const db = join(dir, 'pallet.db');
        if (scenario.base) copyDb(scenario.base, db);
        const before = jobsOf(db, scenario.kind).length;

        // The kill lands anywhere from the moment the CLI enqueued its job(s) to near the end of a clean run's job
        // time: queued, being claimed, running, checkpointing. (Kills during start-up are test/integration's orphan test.)
        const owner = startOwner(cli, scenario.args(db), scenario.env);
        const spawned = Date.now();
        const children = new Set<number>();
        let killAt = Infinity;
        while (Date.now() < killAt && owner.proc.exitCode === null) {
          for (const c of childrenOf(owner.proc.pid!)) children.add(c);
          // After a few runs that finished first (a job shorter than a poll on a busy machine), kill at once.
          if (killAt === Infinity && jobsOf(db, scenario.kind).length > before)
            killAt = Date.now() + (redraws < 3 ? Math.random() * reference.jobMs * 0.95 : 0);
          await sleep(3);
        }
        for (const c of childrenOf(owner.proc.pid!)) children.add(c);
        if (owner.proc.exitCode !== null) {
          log(`${scenario.kind} #${i}: finished before its kill; drawn again`);
          if (++redraws > 10)
            throw new Error(`${scenario.kind}: 10 runs in a row finished before the kill (${owner.out().slice(-500)})`);
          i--;
          rmSync(dir, { recursive: true, force: true });
          continue;
        }
        redraws = 0;
        owner.proc.kill('SIGKILL');
        const killedAfterMs = Date.now() - spawned;
        await owner.exited;
        t.trials++;
        const atKill = jobsOf(db, scenario.kind);
        if (atKill.some((j) => j.status === 'running')) t.killsMidJob++;
        const stored = storedAnswers(db);
        const killedAt = Date.now();
        // Images: what was settled, then the requests so far; any later request for a settled address is a repeat.
        const settled = scenario.kind === 'images' ? readDb(db, settledSources) : new Set<string>();
        const hitsAtKill = hosts.hits();
        const unfinished = atKill
          .filter((j) => !['completed', 'failed', 'cancelled'].includes(j.status))
          .map((j) => j.id);

        // Workers must notice their owner is gone (they poll for it): any still alive 2 s later is an orphan.
        const workers = [...children];
        strays.push(...workers);
        const deadline = Date.now() + 2_000;
        while (workers.some(alive) && Date.now() < deadline) await sleep(20);
        t.orphansAlive += workers.filter(alive).length;

        // Restart: the same command. Resumed = the dead owner's job seen running under the new owner (or done).
        const restarted = Date.now();
        const again = startOwner(cli, restartArgs(scenario, db), scenario.env);
        const newOwner = `:${again.proc.pid}:`;
        const waiting = new Set(unfinished);
        const resumedHere: number[] = [];
        while (waiting.size && again.proc.exitCode === null) {
          for (const j of jobsOf(db, scenario.kind)) {
            if (!waiting.has(j.id)) continue;
            if ((j.status === 'running' && j.lease_owner?.includes(newOwner)) || j.status === 'completed') {
              waiting.delete(j.id);
              resumedHere.push(Date.now() - restarted);
            }
          }
          await sleep(5);
        }
        if ((await finish(again, 300_000)) === 'hung') t.hung++;
        t.resumedMs.push(...resumedHere);

        const end = jobsOf(db, scenario.kind).slice(before);
        const completed = end.filter((j) => j.status === 'completed').length;
        // A job left unfinished, or work the command asked for that no job completed.
        t.lost += Math.max(0, end.length - completed, scenario.jobsPerRun - completed);
        t.doubled += Math.max(0, completed - scenario.jobsPerRun);
        const digest = catalogDigest(db);
        if (digest !== reference.digest) {
          t.digestMismatches++;
          log(`${scenario.kind} #${i}: the catalog differs from the clean run's`);
          // PALLET_CRASH_OWNER_KEEP=DIR keeps both databases to compare.
          const keep = process.env.PALLET_CRASH_OWNER_KEEP;
          if (keep) {
            copyDb(db, join(keep, `${scenario.kind}-${i}-crashed.db`));
            copyDb(reference.db, join(keep, `${scenario.kind}-${i}-clean.db`));
          }
        }
        t.stagingLeft += stagingLeft(db);
        t.repeated += recorder.searches.filter((r) => r.at >= killedAt && r.gtins.some((g) => stored.has(g))).length;
        if (scenario.kind === 'images') {
          const hits = hosts.hits();
          const repeats = [...settled].reduce((n, url) => n + (hits.get(url) ?? 0) - (hitsAtKill.get(url) ?? 0), 0);
          t.imageRepeated += repeats;
          readDb(db, (d) => {
            const orphans = orphanedImageFiles(d, db);
            t.imageOrphans += orphans.count;
            if (orphans.count) log(`images #${i}: ${orphans.examples.slice(0, 5).join(', ')}`);
            // An image recorded twice counts an attempt twice; a checkpoint counted twice shows in the result.
            let doubled = 0;
            for (const [key, n] of imageAttempts(d)) doubled += Math.max(0, n - (cleanSide.attempts.get(key) ?? 0));
            doubled += Math.max(0, imageResultTotal(d) - cleanSide.settled);
            t.doubledImages += doubled;
            // Work asked for that no job did: images still waiting.
            t.lost += unsettledImages(d);
            if (doubled || repeats)
              log(`images #${i}: ${doubled} recorded twice, ${repeats} settled images fetched again`);
          });
        }
        rmSync(dir, { recursive: true, force: true });
        log(
          `${scenario.kind} #${i}: killed after ${killedAfterMs} ms; jobs at kill ${JSON.stringify(atKill.map((j) => j.status))}, at end ${JSON.stringify(end.map((j) => j.status))}; resumed after ${JSON.stringify(resumedHere)} ms`,
        );
      }
    };
    // Side by side only for a smoke run (its figures mean nothing): one after another, no run slows another's resume.
    if (opts.parallel) await Promise.all(scenarios.map((sc, i) => runScenario(sc, tallies[i]!)));
    else for (const [i, sc] of scenarios.entries()) await runScenario(sc, tallies[i]!);

    const sum = (f: (t: Tally) => number) => tallies.reduce((n, t) => n + f(t), 0);
    const resumed = tallies.flatMap((t) => t.resumedMs).sort((x, y) => x - y);
    const pct = (q: number) =>
      resumed.length ? resumed[Math.min(resumed.length - 1, Math.ceil(q * resumed.length) - 1)]! : null;
    const [imp, ana, look, img] = tallies as [Tally, Tally, Tally, Tally];
    return {
      owner_entry: built ? 'built' : 'source',
      restart_command: work ? 'work' : 'same',
      rows,
      trials: sum((t) => t.trials),
      kills_mid_job: sum((t) => t.killsMidJob),
      lost: sum((t) => t.lost),
      // Jobs completed beyond one per command, and (images) product images recorded more than once.
      doubled: sum((t) => t.doubled + t.doubledImages),
      doubled_import: imp.doubled,
      doubled_analysis: ana.doubled,
      doubled_lookup: look.doubled,
      doubled_images: img.doubled + img.doubledImages,
      lookup_requests_repeated: look.repeated,
      lookup_requests_clean: cleanRequests,
      images,
      image_requests_repeated: img.imageRepeated,
      image_requests_clean: cleanImageRequests,
      image_files_orphaned: img.imageOrphans,
      digest_mismatches: sum((t) => t.digestMismatches),
      hung_restarts: sum((t) => t.hung),
      resumed_ms_p50: pct(0.5),
      resumed_ms_p95: pct(0.95),
      orphans_alive: sum((t) => t.orphansAlive),
      staging_files_left: sum((t) => t.stagingLeft),
      clean_import_ms: cleanImport.ms,
      clean_analysis_ms: cleanAnalysis.ms,
      clean_import_job_ms: cleanImport.jobMs,
      clean_analysis_job_ms: cleanAnalysis.jobMs,
      clean_lookup_job_ms: cleanLookup.jobMs,
      clean_images_job_ms: cleanImages.jobMs,
    };
  } finally {
    // A surviving worker is already counted above; it must not outlive the bench either.
    for (const pid of strays) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await new Promise<void>((r) => (recorder.server.closeAllConnections(), recorder.server.close(() => r())));
    await api.close();
    await hosts.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Runs `f` on a read-only connection of the bench's own. */
function readDb<T>(dbPath: string, f: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, timeout: 5_000 });
  try {
    return f(db);
  } finally {
    db.close();
  }
}

/** Images the completed images job(s) counted as settled (stored, failed or to retry), per their results. */
function imageResultTotal(db: Database.Database): number {
  const results = db
    .prepare("SELECT result FROM jobs WHERE kind = 'images' AND status = 'completed'")
    .pluck()
    .all() as string[];
  return results.reduce((n, r) => {
    const v = JSON.parse(r) as { done: number; failed: number; retrying: number };
    return n + v.done + v.failed + v.retrying;
  }, 0);
}

/** A consistent copy of a database with its WAL folded in, so each trial starts from the same catalog. */
function copyDb(from: string, to: string): void {
  const db = new Database(from, { readonly: true });
  try {
    db.prepare('VACUUM INTO ?').run(to);
  } finally {
    db.close();
  }
}
