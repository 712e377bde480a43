import type { Job } from '../queue/types.ts';
import type { TrayModel } from '../ports.ts';

const KIND_LABEL: Record<string, string> = {
  import: 'Import',
  import_undo: 'Undo import',
  lookup: 'Lookups',
  analysis: 'Analysis',
};

function percent(j: Job): number | null {
  const p = j.progress;
  return p && p.total ? Math.min(100, Math.floor((p.done / p.total) * 100)) : null;
}

/** The tray's tooltip and menu for the queue's state: running jobs with progress, overall progress, actions. */
export function buildTrayModel(state: { running: readonly Job[]; queued: number; paused: boolean }): TrayModel {
  const { running, queued, paused } = state;
  const pcts = running.map(percent).filter((p): p is number => p !== null);
  const overall = pcts.length ? Math.floor(pcts.reduce((a, b) => a + b, 0) / pcts.length) : null;
  const tooltip =
    running.length === 0
      ? paused
        ? 'Pallet — paused'
        : queued
          ? `Pallet — ${queued} waiting`
          : 'Pallet — idle'
      : `Pallet — ${running.length} running${overall !== null ? `, ${overall}%` : ''}${paused ? ' (pausing)' : ''}`;
  const items: TrayModel['items'] = running.slice(0, 8).map((j) => {
    const pct = percent(j);
    return {
      id: `job:${j.id}` as const,
      label: `${KIND_LABEL[j.kind] ?? j.kind} #${j.id}${pct !== null ? ` — ${pct}%` : ''}`,
      enabled: true,
    };
  });
  if (running.length > 8) items.push({ label: `…and ${running.length - 8} more`, enabled: false });
  if (running.length === 0) items.push({ label: paused ? 'Queue paused' : 'No jobs running', enabled: false });
  items.push(
    { id: 'open', label: 'Open Pallet', enabled: true },
    paused
      ? { id: 'resumeAll', label: 'Resume all', enabled: true }
      : { id: 'pauseAll', label: 'Pause all', enabled: true },
    { id: 'quit', label: 'Quit', enabled: true },
  );
  return { tooltip, items };
}
