// `pallet analyze` after a crash attaches to the run of the same scope that has not finished (the CLI's crash
// scenario is in test/integration/cli/crash-rerun.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analysisScopeKey, findUnfinishedAnalysis } from '../../../main/analysis/attach.ts';
import { analysisJobs, type AnalysisPayload } from '../../../main/analysis/task.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

let t: TestQueue;
beforeEach(() => {
  t = openTestQueue();
});
afterEach(() => t.close());

const all: AnalysisPayload = { all: true, options: { targets: { minRoi: 0.3 } } };

describe('findUnfinishedAnalysis', () => {
  it('keys a request by what it analyses and how, not by shard, id order or unset options', () => {
    expect(analysisScopeKey({ ids: [3, 1, 2] })).toBe(
      analysisScopeKey({ ids: [1, 2, 3], marketplace: 'US', options: {} }),
    );
    expect(analysisScopeKey({ ...all, shard: { count: 2, index: 1 } })).toBe(analysisScopeKey(all));
    expect(analysisScopeKey(all)).not.toBe(analysisScopeKey({ all: true, options: { targets: { minRoi: 0.4 } } }));
    expect(analysisScopeKey(all)).not.toBe(analysisScopeKey({ ids: [1] }));
  });

  it('finds both shards of an unfinished run of the same scope, and the completed shard beside an unfinished one', () => {
    expect(findUnfinishedAnalysis(t.db, all)).toBeNull();
    const ids = analysisJobs(all, 2).map((i) => t.queue.enqueue(i).id);
    expect(findUnfinishedAnalysis(t.db, all)).toEqual({
      unfinished: ids.map((id) => expect.objectContaining({ id })),
      done: [],
    });
    // Another scope is another request.
    expect(findUnfinishedAnalysis(t.db, { all: true, options: { targets: { minRoi: 0.5 } } })).toBeNull();

    const [first] = t.queue.claim('analysis');
    t.queue.complete(first!.lease, { analyzed: 1 });
    expect(findUnfinishedAnalysis(t.db, all)).toEqual({
      unfinished: [expect.objectContaining({ id: ids[1] })],
      done: [expect.objectContaining({ id: ids[0], status: 'completed' })],
    });
    const [second] = t.queue.claim('analysis');
    t.queue.complete(second!.lease, { analyzed: 1 });
    expect(findUnfinishedAnalysis(t.db, all)).toBeNull();
  });
});
