/**
 * Training curves around a loss spike with the runs restarted from before it (paper Fig. 7): the original run
 * and each restart (PMA-init from a merge of pre-spike checkpoints, or a plain rollback to the latest one),
 * clipped to a window around the fork point so the spike and the recovery fill the chart.
 */
export interface LogPoint {
  step: number;
  tokens: number | null;
  value: number;
}

export interface LoggedRun {
  name: string;
  tokensPerStep: number | null;
  /** Series name ("loss", "grad_norm", …) → points by step. */
  logs: Readonly<Record<string, readonly LogPoint[]>>;
}

export interface RestartRun extends LoggedRun {
  /** "pma-init", "rollback", … */
  kind: string | null;
  forkTokens: number | null;
  /** What the restart was initialised from, when known ("SMA of 3 checkpoints"). */
  init: string | null;
}

export interface RestartLine {
  name: string;
  role: "original" | "restart";
  kind: string | null;
  init: string | null;
  /** [tokens, value], by tokens. */
  points: [number, number][];
}

export interface RestartPanel {
  series: string;
  lines: RestartLine[];
}

export interface RestartWindow {
  /** The earliest restart's fork point (tokens). */
  fork: number;
  forks: { name: string; tokens: number }[];
  from: number;
  to: number;
  /** One panel per series asked for that has anything in the window ("loss", "grad_norm"). */
  panels: RestartPanel[];
}

function toTokens(run: LoggedRun, series: string): [number, number][] {
  return (run.logs[series] ?? [])
    .flatMap((p) => {
      const x = p.tokens ?? (run.tokensPerStep ? p.step * run.tokensPerStep : null);
      return x === null || !Number.isFinite(p.value) ? [] : [[x, p.value] as [number, number]];
    })
    .sort((a, b) => a[0] - b[0]);
}

const lastX = (points: [number, number][]) => (points.length ? [points[points.length - 1][0]] : []);

/**
 * One window for every series, so stacked panels share their x range: from as far before the fork as the
 * restarts run after it (context for the spike), to the end of the longest restart — or, when no restart logged
 * anything, as far after the fork as the original run goes. Null without a forked restart or anything to draw.
 */
export function restartWindow(original: LoggedRun, restarts: readonly RestartRun[], series: readonly string[]): RestartWindow | null {
  const forked = restarts.filter((r) => r.forkTokens !== null);
  if (forked.length === 0) return null;
  const fork = Math.min(...forked.map((r) => r.forkTokens!));
  const curves = series.map((name) => ({
    series: name,
    original: toTokens(original, name),
    restarts: forked.map((r) => ({ run: r, points: toTokens(r, name) })),
  }));
  const restartEnds = curves.flatMap((c) => c.restarts.flatMap((r) => lastX(r.points)));
  const end = Math.max(fork, ...(restartEnds.length ? restartEnds : curves.flatMap((c) => lastX(c.original))));
  const span = end - fork;
  const starts = curves.flatMap((c) => (c.original.length ? [c.original[0][0]] : []));
  const from = Math.max(starts.length ? Math.min(...starts) : fork, fork - span);
  const within = (points: [number, number][]) => points.filter(([x]) => x >= from && x <= end);
  const panels = curves
    .map((c) => ({
      series: c.series,
      lines: [
        { name: original.name, role: "original" as const, kind: null, init: null, points: within(c.original) },
        ...c.restarts.map(({ run, points }) => ({ name: run.name, role: "restart" as const, kind: run.kind, init: run.init, points: within(points) })),
      ],
    }))
    .filter((panel) => panel.lines.some((line) => line.points.length > 0));
  if (panels.length === 0) return null;
  return { fork, forks: forked.map((r) => ({ name: r.name, tokens: r.forkTokens! })).sort((a, b) => a.tokens - b.tokens || a.name.localeCompare(b.name)), from, to: end, panels };
}
