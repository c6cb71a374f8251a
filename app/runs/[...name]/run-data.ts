import { getDb } from "../../../db";
import { findRunById, findRunByName, listBranches, listCheckpoints, listLogSeries } from "../../../db/queries";
import type { Checkpoint, Run } from "../../../db/schema";
import { detectSpikes, type Spike } from "../../../lib/analysis/spikes";
import { thinPoints } from "../../../lib/charts/series";
import type { TimelineInput } from "../../../lib/charts/timeline";
import { getConfig } from "../../../lib/env";
import { describeRunLineage, listRunInits, type InitView, type RunLineage } from "../../../lib/init/view";

/** A checkpoint as the client table sees it: plain, serialisable values only. */
export interface CheckpointRow {
  id: number;
  step: number;
  tokens: number | null;
  lr: number | null;
  phase: string | null;
  dtypes: string;
  params: number;
  bytes: number;
  shards: number;
  tensorCount: number;
  status: string;
  sha256: string | null;
  path: string;
}

export interface RunPageData {
  run: Run;
  parent: Run | null;
  branches: Run[];
  checkpoints: CheckpointRow[];
  timeline: TimelineInput;
  totalBytes: number;
  /** Loss spikes detected over the full log (not the thinned chart series), numbered from 1. */
  spikes: (Spike & { index: number })[];
  /** PMA-init checkpoints made from this run. */
  inits: InitView[];
  /** The merge this run was initialised from, if recorded. */
  lineage: RunLineage | null;
}

// The chart needs shape, not every step: ~2k points per series keeps the page light (spikes are kept).
const maxChartPoints = 2000;

/** Everything the run page shows, read in one place (server only). */
export function loadRunPage(name: string): RunPageData | null {
  const db = getDb();
  const run = findRunByName(db, name);
  if (!run) return null;
  const parent = run.parentRunId === null ? null : (findRunById(db, run.parentRunId) ?? null);
  const branches = listBranches(db, run.id);
  const all = listCheckpoints(db, run.id, { includeMissing: true });
  const present = all.filter((c) => c.status === "present");
  const log = listLogSeries(db, run.id);
  const spikes = detectSpikes(log.loss ?? []).map((spike, i) => ({ ...spike, index: i + 1 }));
  const { dataDir } = getConfig();

  const timeline: TimelineInput = {
    tokensPerStep: run.tokensPerStep,
    schedule: run.schedule,
    loss: thinPoints(log.loss ?? [], maxChartPoints),
    lr: thinPoints(log.lr ?? [], maxChartPoints),
    checkpoints: present.map((c) => ({ step: c.step, tokens: c.tokens, lr: c.lr, phase: c.phase })),
    branches: branches.map((branch) => ({
      name: branch.name,
      forkTokens: branch.forkTokens,
      tokensPerStep: branch.tokensPerStep ?? run.tokensPerStep,
      loss: thinPoints(listLogSeries(db, branch.id).loss ?? [], maxChartPoints),
    })),
    spikes: spikes.map(({ index, startStep, startTokens, peakStep, peakTokens, peak }) => ({ index, startStep, startTokens, peakStep, peakTokens, peak })),
  };

  return {
    run,
    parent,
    branches,
    checkpoints: all.map(toRow),
    timeline,
    totalBytes: present.reduce((sum, c) => sum + c.bytes, 0),
    spikes,
    inits: listRunInits(db, run.id, dataDir),
    lineage: describeRunLineage(db, run, dataDir),
  };
}

function toRow(c: Checkpoint): CheckpointRow {
  return {
    id: c.id,
    step: c.step,
    tokens: c.tokens,
    lr: c.lr,
    phase: c.phase,
    dtypes: c.dtypes.join(", "),
    params: c.params,
    bytes: c.bytes,
    shards: c.shards.length,
    tensorCount: c.tensorCount,
    status: c.status,
    sha256: c.sha256,
    path: c.path,
  };
}
