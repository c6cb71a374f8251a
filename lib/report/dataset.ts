import type { CellStatus, Checkpoint, Run } from "../../db/schema";
import { latestAt, schemeLabel, type RunScores, type Scores } from "../analysis";
import { groupScores, metricInfos } from "../analysis-data";
import { PmaError } from "../errors";
import { formatSchemeToken } from "../merge/weights";
import type { ReportSnapshot } from "./snapshot";

/**
 * The snapshot, read as the report reads it: one metric (chosen or given), each sweep's cells with their merged
 * model's score, each merge point's baselines (the run's latest checkpoint at T, annealed branches at T) and its
 * training stage. Pure. Scores are "gains" only in the analyses: here they are the metric's own values.
 */
export interface Score {
  value: number;
  stderr: number | null;
}

export type Stage = "early" | "mid" | "late";
export const STAGES: Stage[] = ["early", "mid", "late"];

export interface MetricChoice {
  name: string;
  /** Null when neither the metric nor the evaluator says; gains are then read as higher-is-better. */
  higherIsBetter: boolean | null;
  composite: boolean;
  /** How many of the scores used carry a stderr. */
  withStderr: number;
  scored: number;
}

export interface RunInfo {
  id: number;
  name: string;
  kind: string | null;
  params: number | null;
  tokensPerStep: number | null;
  parent: string | null;
  forkTokens: number | null;
  initRecipeHash: string | null;
}

/** scored: has the report's metric; other-metrics: evaluated, but not for it; none: never evaluated. */
export type EvaluationState = "scored" | "other-metrics" | "pending" | "failed" | "none";

export interface DatasetCell {
  id: number;
  position: number;
  scheme: string;
  schemeToken: string;
  n: number;
  interval: number;
  point: number;
  stage: Stage;
  status: CellStatus;
  feasible: boolean;
  reason: string | null;
  recipeHash: string | null;
  score: Score | null;
  evaluation: EvaluationState;
}

export interface Baseline {
  checkpointId: number;
  step: number;
  tokens: number | null;
  score: Score | null;
}

export interface DatasetPoint {
  point: number;
  stage: Stage;
  latest: Baseline | null;
  annealed: (Baseline & { run: string })[];
}

export interface DatasetSweep {
  id: number;
  status: string;
  run: RunInfo;
  /** The analysis' view of the sweep (lib/analysis): predictions and series are computed from it. */
  scores: RunScores;
  /** Tokens at the end of the early and mid stages: thirds of the run's checkpointed span. */
  stageEnds: [number, number];
  cells: DatasetCell[];
  points: DatasetPoint[];
}

export interface BranchSeries {
  run: RunInfo;
  /** Scored checkpoints of the branch, by tokens. */
  scores: { step: number; tokens: number; score: Score }[];
  /** The branch's last checkpoint (scored or not). */
  end: { step: number; tokens: number } | null;
}

export interface ReportDataset {
  metric: MetricChoice | null;
  /** Every metric name scored on a model in scope, for "pass --metric" hints. */
  metricNames: string[];
  sweeps: DatasetSweep[];
  runs: RunInfo[];
  /** Annealed branches of the swept runs. */
  branches: BranchSeries[];
  snapshot: ReportSnapshot;
}

export function runInfo(run: Run, runs: Run[]): RunInfo {
  return {
    id: run.id,
    name: run.name,
    kind: run.kind,
    params: run.params,
    tokensPerStep: run.tokensPerStep,
    parent: run.parentRunId === null ? null : (runs.find((r) => r.id === run.parentRunId)?.name ?? null),
    forkTokens: run.forkTokens,
    initRecipeHash: run.initRecipeHash,
  };
}

export function stageOf(tokens: number, ends: [number, number]): Stage {
  return tokens <= ends[0] ? "early" : tokens <= ends[1] ? "mid" : "late";
}

export function buildDataset(snapshot: ReportSnapshot, options: { metric?: string } = {}): ReportDataset {
  const values = scoreTable(snapshot);
  const metricNames = [...new Set([...values.values()].flatMap((scores) => Object.keys(scores)))].sort();
  const metric = chooseMetric(snapshot, values, options.metric);
  const scoreOf = (key: string): Score | null => {
    const m = metric ? values.get(key)?.[metric.name] : undefined;
    return m ? { value: m.value, stderr: m.stderr } : null;
  };
  const runs = snapshot.runs.map((run) => runInfo(run, snapshot.runs));
  const checkpointsOf = (runId: number) => snapshot.checkpoints.filter((c) => c.runId === runId);
  const states = evaluationStates(snapshot);
  const evaluationOf = (key: string | null): EvaluationState => {
    if (key === null) return "none";
    if (scoreOf(key)) return "scored";
    const state = states.get(key) ?? "none";
    return state === "scored" ? "other-metrics" : state;
  };

  const sweeps = snapshot.sweeps.map(({ sweep, cells, scores }): DatasetSweep => {
    const run = runs.find((r) => r.id === sweep.runId)!;
    const own = checkpointsOf(run.id).filter((c): c is Checkpoint & { tokens: number } => c.tokens !== null);
    const maxTokens = Math.max(0, ...own.map((c) => c.tokens), ...cells.map((c) => c.point));
    const stageEnds: [number, number] = [maxTokens / 3, (2 * maxTokens) / 3];
    const branches = snapshot.runs.filter((r) => r.parentRunId === run.id && r.kind === "annealed").map((r) => ({ run: r.name, checkpoints: checkpointsOf(r.id) }));
    const pointList = [...new Set([...sweep.grid.points, ...cells.map((c) => c.point)])].sort((a, b) => a - b);
    const baseline = (c: Checkpoint): Baseline => ({ checkpointId: c.id, step: c.step, tokens: c.tokens, score: scoreOf(`c${c.id}`) });
    // The analysis' rule for "the latest checkpoint at T" (the sweep's baselines use it too); annealed at exactly T.
    const points = pointList.map((point) => {
      const latest = latestAt(own, point);
      const annealed = branches.flatMap(({ run: name, checkpoints }) => {
        const at = checkpoints.find((c) => c.tokens === point);
        return at ? [{ run: name, ...baseline(at) }] : [];
      });
      return { point, stage: stageOf(point, stageEnds), latest: latest ? baseline(latest) : null, annealed };
    });
    return {
      id: sweep.id,
      status: sweep.status,
      run,
      scores,
      stageEnds,
      points,
      cells: cells.map((cell) => ({
        id: cell.id,
        position: cell.position,
        scheme: schemeLabel(formatSchemeToken(cell.scheme)),
        schemeToken: formatSchemeToken(cell.scheme),
        n: cell.n,
        interval: cell.interval,
        point: cell.point,
        stage: stageOf(cell.point, stageEnds),
        status: cell.status,
        feasible: cell.feasible,
        reason: cell.reason,
        recipeHash: cell.recipeHash,
        score: cell.recipeHash ? scoreOf(`r${cell.recipeHash}`) : null,
        evaluation: evaluationOf(cell.recipeHash ? `r${cell.recipeHash}` : null),
      })),
    };
  });

  const swept = new Set(sweeps.map((s) => s.run.id));
  const branchIds = new Set(snapshot.runs.filter((r) => r.kind === "annealed" && r.parentRunId !== null && swept.has(r.parentRunId)).map((r) => r.id));
  const branches = runs
    .filter((r) => branchIds.has(r.id))
    .map((run): BranchSeries => {
      const own = checkpointsOf(run.id).filter((c) => c.tokens !== null);
      const last = own.reduce<Checkpoint | null>((best, c) => (!best || c.tokens! > best.tokens! ? c : best), null);
      return {
        run,
        scores: own.flatMap((c) => {
          const score = scoreOf(`c${c.id}`);
          return score ? [{ step: c.step, tokens: c.tokens!, score }] : [];
        }),
        end: last ? { step: last.step, tokens: last.tokens! } : null,
      };
    });
  return { metric, metricNames, sweeps, runs, branches, snapshot };
}

interface MetricValue {
  value: number;
  stderr: number | null;
}

/** target key ("c<checkpoint id>" or "r<recipe hash>") → metric name → value, composites included (lib/analysis-data). */
function scoreTable(snapshot: ReportSnapshot): Map<string, Scores> {
  return groupScores(snapshot.metrics, (m) => (m.recipeHash ? `r${m.recipeHash}` : `c${m.checkpointId}`), snapshot.composites);
}

/**
 * The given metric, or the one scored on the most merged models (then on the most models): a composite first,
 * then a loss, then by name — a stable choice the report states.
 */
function chooseMetric(snapshot: ReportSnapshot, values: Map<string, Scores>, requested?: string): MetricChoice | null {
  const infos = metricInfos(snapshot.metrics, values.values(), snapshot.composites);
  const all = [...values.entries()];
  const names = infos.map((m) => m.name).filter((name) => all.some(([, scores]) => Object.hasOwn(scores, name)));
  if (requested !== undefined && !names.includes(requested)) {
    const known = names.length ? `; scored metrics: ${names.join(", ")}` : "; nothing in scope is scored yet";
    throw new PmaError("report_metric_unknown", `no model in scope has a metric named ${JSON.stringify(requested)}${known}`);
  }
  if (names.length === 0) return null;
  const merged = (name: string) => all.filter(([key, scores]) => key.startsWith("r") && Object.hasOwn(scores, name)).length;
  const anywhere = (name: string) => all.filter(([, scores]) => Object.hasOwn(scores, name)).length;
  const info = (name: string) => infos.find((m) => m.name === name)!;
  const rank = (name: string): number[] => [merged(name), anywhere(name), info(name).composite ? 1 : 0, /loss/i.test(name) ? 1 : 0];
  const name =
    requested ??
    [...names].sort((a, b) => {
      const [ra, rb] = [rank(a), rank(b)];
      for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i];
      return a < b ? -1 : 1;
    })[0];
  const used: MetricValue[] = all.flatMap(([, scores]) => (Object.hasOwn(scores, name) ? [scores[name]] : []));
  return { name, higherIsBetter: info(name).higherIsBetter, composite: info(name).composite, withStderr: used.filter((m) => m.stderr !== null).length, scored: used.length };
}

/** target key → what became of its evaluations: pending while any is queued or running, failed when all failed. */
function evaluationStates(snapshot: ReportSnapshot): Map<string, EvaluationState> {
  const byKey = new Map<string, Set<string>>();
  for (const e of snapshot.evaluations) {
    const key = e.recipeHash ? `r${e.recipeHash}` : `c${e.checkpointId}`;
    byKey.set(key, (byKey.get(key) ?? new Set()).add(e.status));
  }
  const out = new Map<string, EvaluationState>();
  for (const [key, statuses] of byKey) {
    out.set(key, statuses.has("queued") || statuses.has("running") ? "pending" : statuses.has("succeeded") ? "scored" : "failed");
  }
  return out;
}
