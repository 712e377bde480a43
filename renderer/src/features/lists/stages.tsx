import type { JobView, ListSummary, StageView } from '../../../../preload/contract/channels.ts';
import { fromJobs } from '../../../../main/lists/stages.ts';

export const STAGE_LABEL: Record<StageView['stage'], string> = {
  import: 'Import',
  lookup: 'ASINs',
  pricing: 'Pricing',
  analysis: 'Analysis',
};
/** What each stage does, for the hover title and screen readers. */
const STAGE_TITLE: Record<StageView['stage'], string> = {
  import: 'Import: rows read from the file',
  lookup: 'ASIN lookup',
  pricing: 'Pricing and offers',
  analysis: 'Analysis and decision',
};

/**
 * The stage as the jobs' latest pushed progress has it: main groups the jobs (and counts what they did) every few
 * seconds; between two counts the bars follow the progress events of the jobs it named.
 */
export function liveStage(stage: StageView, jobs: ReadonlyMap<number, JobView>): StageView {
  if (stage.jobIds.length === 0) return stage;
  const known = stage.jobIds.map((id) => jobs.get(id));
  if (known.some((j) => j === undefined)) return stage;
  return fromJobs(
    stage.stage,
    (known as JobView[]).map((j) => ({ id: j.id, status: j.status, progress: j.progress })),
  );
}

/** "about 2 min left", "about 40 s left". */
function etaText(ms: number): string {
  return ms < 60_000
    ? `about ${Math.max(1, Math.round(ms / 1000))} s left`
    : `about ${Math.round(ms / 60_000)} min left`;
}

const STATE_TEXT: Record<StageView['state'], string> = {
  pending: 'not yet',
  queued: 'queued',
  running: 'running',
  waiting: 'waiting',
  paused: 'paused',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'not needed',
};

/** The percentage a stage's bar shows (a finished stage is full; one without a total, empty). */
export function stagePct(s: StageView): number {
  if (s.state === 'done') return 100;
  if (!s.total) return 0;
  return Math.min(100, Math.floor((s.done / s.total) * 100));
}

/** What the bar's side says: the percentage, rate and ETA while running; else the stage's state. */
export function stageText(s: StageView): string {
  if (s.state !== 'running') return STATE_TEXT[s.state];
  const parts = [
    s.total ? `${stagePct(s)}%` : s.stage === 'import' ? 'reading' : `${s.done.toLocaleString('en-US')} done`,
  ];
  if (s.ratePerSec !== null)
    parts.push(`${Math.round(s.ratePerSec).toLocaleString('en-US')} ${s.stage === 'import' ? 'rows' : 'products'}/s`);
  if (s.etaMs !== null) parts.push(etaText(s.etaMs));
  return parts.join(' · ');
}

/** A list's four stage bars, each with its rate and ETA while it runs. */
export function StageBars({ list, jobs }: { list: ListSummary; jobs: ReadonlyMap<number, JobView> }) {
  return (
    <div className="stages list-stages" data-testid={`stages-${list.id}`}>
      {list.stages.map((raw) => {
        const s = liveStage(raw, jobs);
        const pct = stagePct(s);
        const text = stageText(s);
        const tone =
          s.state === 'done' ? ' done' : s.state === 'failed' ? ' failed' : s.state === 'skipped' ? ' skipped' : '';
        return (
          <div className="stage" key={s.stage} data-stage={s.stage} data-state={s.state} title={STAGE_TITLE[s.stage]}>
            <span aria-hidden="true">{STAGE_LABEL[s.stage]}</span>
            <span
              className={`bar${tone}`}
              role="progressbar"
              aria-label={`${STAGE_TITLE[s.stage]} of ${list.fileName}`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={pct}
              aria-valuetext={text}
            >
              <span style={{ width: `${pct}%` }} />
            </span>
            <span className="stage-text">{text}</span>
          </div>
        );
      })}
    </div>
  );
}
