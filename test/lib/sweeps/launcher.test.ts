import { describe, expect, it } from "vitest";
import { listCheckpoints, upsertRun } from "../../../db/queries";
import { planSweep } from "../../../lib/merge/plan";
import { formatSchemeToken } from "../../../lib/merge/weights";
import {
  appendFromForm,
  buildSweepRequest,
  checkpointSpacing,
  collectSchemes,
  createSweep,
  defaultLaunchForm,
  describeIntervalFit,
  formFromGrid,
  launchFromForm,
  listLaunchRuns,
  previewLaunch,
  resolveMergePoints,
  summarizeThroughput,
  tokenText,
  type LaunchForm,
} from "../../../lib/sweeps";
import { toPlanCheckpoints } from "../../../lib/sweeps/create";
import { tempDataDir } from "../jobs/helpers";
import { bigDisk, M, seedRun } from "./helpers";

const facts = { tokensPerStep: 1000, checkpointTokens: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => i * M), branchPoints: [{ run: "annealed-6M", tokens: 6 * M }, { run: "annealed-4M", tokens: 4 * M }] };

function form(patch: Partial<LaunchForm> = {}): LaunchForm {
  return {
    run: "main",
    points: { mode: "list", list: "5M,8M" },
    n: "3,6",
    intervals: "1M",
    schemes: { sma: true, wma: true, ema: true, alphas: "0.2", emaForm: "recursive", other: "" },
    evaluators: [],
    keep: false,
    tolerance: "",
    executor: "local",
    slurm: {},
    ...patch,
  };
}

function counts(db: ReturnType<typeof tempDataDir>["db"]) {
  const one = (table: string) => (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return { sweeps: one("sweeps"), cells: one("sweep_cells"), recipes: one("recipes"), jobs: one("jobs") };
}

describe("merge points", () => {
  it("takes a typed list (tokens or steps), sorted and without duplicates", () => {
    expect(resolveMergePoints({ mode: "list", list: "8M, 5M, 5000steps" }, facts)).toEqual([5 * M, 8 * M]);
    expect(() => resolveMergePoints({ mode: "list", list: " " }, facts)).toThrow(expect.objectContaining({ code: "points_empty" }));
  });

  it("takes every k-th checkpoint in a token range, counted from the first in range; blank ends are the run's", () => {
    expect(resolveMergePoints({ mode: "every", every: 1, from: "", to: "" }, facts)).toEqual(facts.checkpointTokens);
    expect(resolveMergePoints({ mode: "every", every: 3, from: "", to: "" }, facts)).toEqual([1, 4, 7, 10].map((i) => i * M));
    expect(resolveMergePoints({ mode: "every", every: 2, from: "3.5M", to: "9M" }, facts)).toEqual([4, 6, 8].map((i) => i * M));
    expect(resolveMergePoints({ mode: "every", every: 2, from: "6000steps", to: "" }, facts)).toEqual([6, 8, 10].map((i) => i * M));
    expect(() => resolveMergePoints({ mode: "every", every: 1, from: "9M", to: "2M" }, facts)).toThrow(expect.objectContaining({ code: "points_range_invalid" }));
    expect(() => resolveMergePoints({ mode: "every", every: 1, from: "10.5M", to: "11M" }, facts)).toThrow(/no checkpoint lies between 10\.5M and 11M \(the run has 1M – 10M\)/);
  });

  it("takes the fork points of the annealed branches", () => {
    expect(resolveMergePoints({ mode: "branches" }, facts)).toEqual([4 * M, 6 * M]);
    expect(() => resolveMergePoints({ mode: "branches" }, { ...facts, branchPoints: [] })).toThrow(expect.objectContaining({ code: "points_empty" }));
  });

  it("finds the checkpoint spacing and says when V is off it", () => {
    expect(checkpointSpacing([3, 1, 2, 5, 7, 9])).toBe(2);
    expect(checkpointSpacing([0, 1, 3])).toBe(1); // a tie goes to the smaller gap
    expect(checkpointSpacing([5])).toBeNull();
    expect(describeIntervalFit(2 * M, M)).toBeNull();
    expect(describeIntervalFit(1.5 * M, M)).toMatch(/^V = 1\.5M is not a multiple of the checkpoint spacing 1M.*try 1M or 2M$/);
    expect(describeIntervalFit(500_000, M)).toMatch(/try 1M$/);
    expect(describeIntervalFit(3, null)).toBeNull();
  });
});

describe("the launch form", () => {
  it("collects ticked schemes with every α in the chosen EMA form(s), then typed ones", () => {
    const schemes = collectSchemes({ sma: true, wma: false, ema: true, alphas: "0.1, 0.2", emaForm: "both", other: "custom:1/2/3,sma" });
    expect(schemes.map(formatSchemeToken)).toEqual(["sma", "ema:0.1", "ema:0.1:closed", "ema:0.2", "ema:0.2:closed", "custom:1/2/3"]);
    expect(() => collectSchemes({ sma: false, wma: false, ema: false, alphas: "", emaForm: "recursive", other: "" })).toThrow(expect.objectContaining({ code: "schemes_empty" }));
    expect(() => collectSchemes({ sma: false, wma: false, ema: true, alphas: "", emaForm: "recursive", other: "" })).toThrow(/at least one α/);
    expect(() => collectSchemes({ sma: false, wma: false, ema: true, alphas: "1.5", emaForm: "recursive", other: "" })).toThrow(expect.objectContaining({ code: "weights_invalid_alpha" }));
  });

  it("builds the request the CLI would, and names the field of any error", () => {
    expect(buildSweepRequest(form({ intervals: "1000steps", tolerance: "10K" }), facts)).toEqual({
      run: "main",
      points: [5 * M, 8 * M],
      ns: [3, 6],
      intervals: [M],
      schemes: [{ scheme: "sma" }, { scheme: "wma" }, { scheme: "ema", alpha: 0.2, form: "recursive" }],
      evaluators: [],
      keep: false,
      tolerance: 10_000,
    });
    const fieldOf = (patch: Partial<LaunchForm>) => {
      try {
        buildSweepRequest(form(patch), facts);
      } catch (error) {
        return (error as { details?: { field?: string } }).details?.field;
      }
      return null;
    };
    expect(fieldOf({ n: "3,x" })).toBe("n");
    expect(fieldOf({ n: "" })).toBe("n");
    expect(fieldOf({ intervals: "1.5.5M" })).toBe("intervals");
    expect(fieldOf({ points: { mode: "list", list: "" } })).toBe("points");
    expect(fieldOf({ tolerance: "lots" })).toBe("tolerance");
    expect(fieldOf({ schemes: { ...form().schemes, other: "nope" } })).toBe("schemes");
  });
});

describe("the launcher's preview", () => {
  it("lists every cell with exactly the checkpoints and weights planSweep gives, and stores nothing", () => {
    const { db, dataDir } = tempDataDir();
    const run = seedRun(db, "main", { bytes: 5000 });
    const preview = previewLaunch(db, form({ points: { mode: "every", every: 3, from: "", to: "" } }), { dataDir, statDisk: bigDisk });
    expect(preview.points).toEqual([1, 4, 7, 10].map((i) => i * M));

    const rows = listCheckpoints(db, run.id, { includeMissing: true });
    const plan = planSweep(toPlanCheckpoints(rows), { points: preview.points, ns: [3, 6], intervals: [M], schemes: collectSchemes(form().schemes) });
    expect(preview.cells).toHaveLength(plan.cells.length);
    const step = new Map(rows.map((row) => [row.id, row.step]));
    for (const [i, planned] of plan.cells.entries()) {
      const cell = preview.cells[i];
      expect([cell.scheme, cell.n, cell.interval, cell.point]).toEqual([formatSchemeToken(planned.cell.scheme), planned.cell.n, planned.cell.interval, planned.cell.point]);
      expect(cell.feasible).toBe(planned.plan.feasible);
      if (planned.plan.feasible) {
        expect(cell.recipeHash).toBe(planned.recipeHash);
        expect(cell.inputs).toEqual(planned.plan.inputs.map((input) => ({ checkpointId: input.checkpointId, step: step.get(input.checkpointId), tokens: input.tokens, target: input.target, offBy: input.offBy, weight: input.weight })));
      } else {
        expect(cell.reason).toBe(planned.plan.reason);
        expect(cell.inputs).toEqual([]);
      }
    }
    expect(counts(db)).toEqual({ sweeps: 0, cells: 0, recipes: 0, jobs: 0 });
  });

  it("estimates the cost: distinct bytes to read, bytes to write, disk against free space, time only once measured", () => {
    const { db, dataDir } = tempDataDir();
    seedRun(db, "main", { bytes: 5000 });
    const small = () => ({ freeBytes: 300 * 1024 * 1024, totalBytes: 1024 * 1024 * 1024 });
    // T = 8M: N = 3 reads 6M..8M, N = 6 reads 3M..8M; three schemes each → 6 distinct merges over 6 checkpoints.
    const preview = previewLaunch(db, form({ points: { mode: "list", list: "8M" } }), { dataDir, statDisk: small });
    expect(preview.counts).toEqual({ cells: 6, feasible: 6, infeasible: 0, newMerges: 6, reused: 0, inFlight: 0 });
    expect(preview.cost).toMatchObject({ distinctCheckpoints: 6, distinctBytesToRead: 6 * 5000, bytesToRead: 6 * 5000, bytesToWrite: 6 * 5000, passes: 1, seconds: null, throughput: null });
    expect(preview.cost.space).toEqual({ needBytes: 30_000, freeBytes: 300 * 1024 * 1024, totalBytes: 1024 * 1024 * 1024, reservedBytes: 0, headroomBytes: 256 * 1024 * 1024 });
    expect(preview.cost.disk).toEqual({ ok: true });
    const full = previewLaunch(db, form({ points: { mode: "list", list: "8M" } }), { dataDir, statDisk: () => ({ freeBytes: 256 * 1024 * 1024 + 10_000, totalBytes: 1e9 }) });
    expect(full.cost.disk).toMatchObject({ ok: false, code: "disk_insufficient" });

    // Two finished merges measured 3 MB in 2 s and 1 MB in 2 s: 1 MB/s overall, not the mean of the two rates.
    // (A failed job's numbers and other kinds' results do not count.)
    const insert = db.$client.prepare("insert into jobs (kind, payload, status, run_after, created_at, updated_at, result) values (?, '{}', ?, 0, 0, 0, ?)");
    insert.run("sweep-pass", "succeeded", JSON.stringify({ bytesRead: 3e6, seconds: 2 }));
    insert.run("merge", "succeeded", JSON.stringify({ bytesRead: 1e6, seconds: 2 }));
    insert.run("merge", "failed", JSON.stringify({ bytesRead: 1e9, seconds: 1 }));
    insert.run("evaluate", "succeeded", JSON.stringify({ bytesRead: 1e9, seconds: 1 }));
    const measured = previewLaunch(db, form({ points: { mode: "list", list: "8M" } }), { dataDir, statDisk: bigDisk });
    expect(measured.cost.throughput).toEqual({ bytesPerSecond: 1e6, jobs: 2, bytes: 4e6, seconds: 4 });
    expect(measured.cost.seconds).toBeCloseTo(30_000 / 1e6, 12);
  });

  it("marks reused and in-flight merges, and warns about a V off the checkpoint spacing", () => {
    const { db, dataDir } = tempDataDir();
    seedRun(db);
    createSweep(db, { run: "main", points: [8 * M], ns: [3], intervals: [M], schemes: [{ scheme: "sma" }] }, { dataDir, statDisk: bigDisk });
    const preview = previewLaunch(db, form({ points: { mode: "list", list: "8M" }, n: "3", intervals: "1M,1.5M", schemes: { ...form().schemes, wma: false, ema: false } }), { dataDir, statDisk: bigDisk });
    expect(preview.cells.map((cell) => [cell.interval, cell.status])).toEqual([[M, "queued"], [1.5 * M, "infeasible"]]);
    expect(preview.counts).toMatchObject({ newMerges: 0, inFlight: 1 });
    expect(preview.cost.bytesToWrite).toBe(0);
    expect(preview.warnings).toEqual([expect.stringMatching(/^V = 1\.5M is not a multiple of the checkpoint spacing 1M/)]);
    expect(preview.spacing).toBe(M);
  });

  it("previews an append as the new cells only, then appends them; launching stores what was previewed", () => {
    const { db, dataDir } = tempDataDir();
    seedRun(db);
    const created = launchFromForm(db, form({ points: { mode: "list", list: "8M" }, n: "3" }), { dataDir, statDisk: bigDisk });
    expect(created.cells.map((cell) => cell.scheme)).toEqual(["sma", "wma", "ema:0.2"]);
    const more = form({ run: "ignored: the sweep's run is used", points: { mode: "list", list: "8M,9M" }, n: "3" });
    const preview = previewLaunch(db, more, { dataDir, statDisk: bigDisk }, { sweepId: created.id });
    expect(preview.run).toBe("main");
    expect(preview.cells.map((cell) => `${cell.scheme}@${cell.point / M}`)).toEqual(["sma@9", "wma@9", "ema:0.2@9"]);
    const appended = appendFromForm(db, created.id, more, { dataDir, statDisk: bigDisk });
    expect(appended.cells.slice(3).map((cell) => [cell.scheme, cell.point, cell.recipeHash])).toEqual(preview.cells.map((cell) => [cell.scheme, cell.point, cell.recipeHash]));
  });

  it("offers the main trajectory first and by default, branches after it", () => {
    const { db } = tempDataDir();
    const main = seedRun(db, "lab/main");
    seedRun(db, "lab/unstable", { count: 3 });
    upsertRun(db, "lab/annealed-5M", { parentRunId: main.id, forkTokens: 5 * M, kind: "annealed" });
    const { runs, defaultRun } = listLaunchRuns(db);
    expect(defaultRun).toBe("lab/main");
    expect(runs.map((run) => run.name)).toEqual(["lab/main", "lab/unstable", "lab/annealed-5M"]);
    expect(runs[0]).toMatchObject({ checkpoints: 10, spacing: M, minTokens: M, maxTokens: 10 * M, branchPoints: [{ run: "lab/annealed-5M", tokens: 5 * M }] });
  });
});

describe("measured throughput", () => {
  it("sums bytes over seconds and skips results without both", () => {
    expect(summarizeThroughput([])).toBeNull();
    expect(summarizeThroughput([null, {}, { bytesRead: 5, seconds: 0 }, { bytesRead: "5", seconds: 1 }])).toBeNull();
    expect(summarizeThroughput([{ bytesRead: 10, seconds: 1 }, { bytesRead: 30, seconds: 1 }, { outputs: [] }])).toEqual({ bytesPerSecond: 20, jobs: 2, bytes: 40, seconds: 2 });
  });
});

describe("the launcher's starting forms", () => {
  it("prefills an append from the sweep's grid, writing token counts that read back exactly", () => {
    const grid = { points: [1_638_400, 5 * M, 1234], ns: [3, 6], intervals: [409_600], schemes: [{ scheme: "sma" as const }, { scheme: "ema" as const, alpha: 0.1, form: "closed" as const }, { scheme: "custom" as const, weights: [1, 2], normalise: true }], tolerance: 4096 };
    const form = formFromGrid("main", grid);
    expect(form).toMatchObject({ run: "main", points: { mode: "list", list: "1.6384M,5M,1.234K" }, n: "3,6", intervals: "409.6K", tolerance: "4.096K" });
    expect(form.schemes).toEqual({ sma: true, wma: false, ema: true, alphas: "0.1", emaForm: "closed", other: "custom:1/2" });
    expect(buildSweepRequest(form, facts)).toMatchObject({ points: [1234, 1_638_400, 5 * M], ns: [3, 6], intervals: [409_600], schemes: grid.schemes, tolerance: 4096 });
    expect([tokenText(123_456_789), tokenText(999), tokenText(2e12)]).toEqual(["123.456789M", "999", "2T"]);
  });

  it("starts a new sweep at the branch points when there are some, else about four spread checkpoints", () => {
    const run = { name: "main", kind: null, isBranch: false, tokensPerStep: 1000, checkpoints: 10, minTokens: M, maxTokens: 10 * M, spacing: M, branchPoints: [] };
    expect(defaultLaunchForm(run)).toMatchObject({ run: "main", points: { mode: "every", every: 3 }, n: "3,6", intervals: "1M", schemes: { sma: true, wma: false, ema: false } });
    expect(defaultLaunchForm({ ...run, branchPoints: [{ run: "a", tokens: 5 * M }] }).points).toEqual({ mode: "branches" });
  });
});
