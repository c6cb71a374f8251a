/**
 * Phase bands (warmup / stable / decay) for the timeline, within the plotted range. The declared schedule is
 * exact, so it wins when the run has one; otherwise the bands follow the phases recorded on the checkpoints, split halfway between the
 * last checkpoint of one phase and the first of the next.
 */

export interface PhaseBand {
  phase: string;
  start: number;
  end: number;
}

interface PhaseSource {
  schedule?: { warmupEnd: number; stableEnd: number; decayEnd?: number } | null;
  checkpoints: { step: number; tokens: number | null; phase: string | null }[];
}

type XOf = (step: number, tokens: number | null) => number | null;

export function phaseBands(input: PhaseSource, xOf: XOf, xs: number[]): PhaseBand[] {
  const fromSchedule = scheduleBands(input.schedule ?? null, xOf, xs);
  return fromSchedule ?? checkpointBands(input.checkpoints, xOf, xs);
}

function scheduleBands(schedule: PhaseSource["schedule"], xOf: XOf, xs: number[]): PhaseBand[] | null {
  if (!schedule) return null;
  const stepEdges: [string, number, number | undefined][] = [
    ["warmup", 0, schedule.warmupEnd],
    ["stable", schedule.warmupEnd, schedule.stableEnd],
    ["decay", schedule.stableEnd, schedule.decayEnd],
  ];
  if (xs.length === 0) return [];
  // Bands are clipped to the plotted range: a branch that starts at its fork point shows no empty warmup.
  const dataStart = xs.reduce((min, x) => Math.min(min, x), Infinity);
  const dataEnd = xs.reduce((max, x) => Math.max(max, x), -Infinity);
  const bands: PhaseBand[] = [];
  for (const [phase, from, to] of stepEdges) {
    const rawStart = xOf(from, null);
    if (rawStart === null) return null;
    // An open-ended decay runs to the last plotted point.
    const rawEnd = to === undefined ? dataEnd : xOf(to, null);
    if (rawEnd === null) return null;
    const start = Math.max(rawStart, dataStart);
    const end = Math.min(rawEnd, dataEnd);
    if (end > start) bands.push({ phase, start, end });
  }
  return bands;
}

function checkpointBands(checkpoints: PhaseSource["checkpoints"], xOf: XOf, xs: number[]): PhaseBand[] {
  const placed = checkpoints
    .flatMap((c) => {
      const x = xOf(c.step, c.tokens);
      return x === null || !c.phase ? [] : [{ x, phase: c.phase }];
    })
    .sort((a, b) => a.x - b.x);
  if (placed.length === 0) return [];
  // reduce, not Math.min(...xs): a long log would overflow the argument list.
  const dataStart = xs.reduce((min, x) => Math.min(min, x), placed[0].x);
  const dataEnd = xs.reduce((max, x) => Math.max(max, x), placed[placed.length - 1].x);
  const bands: PhaseBand[] = [];
  for (let i = 0; i < placed.length; i += 1) {
    const current = placed[i];
    const previous = bands[bands.length - 1];
    if (previous && previous.phase === current.phase) continue;
    const start = previous ? (placed[i - 1].x + current.x) / 2 : dataStart;
    if (previous) previous.end = start;
    bands.push({ phase: current.phase, start, end: dataEnd });
  }
  return bands;
}
