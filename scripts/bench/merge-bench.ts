import { spawn } from "node:child_process";
import { mkdir, readFile, rm, rmdir, statfs } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PmaError } from "../../lib/errors";
import { sweepCells } from "./cells";
import { fileBytes, type PhaseArgs, type PhaseResult } from "./phases";
import { measureCapacity } from "./capacity";
import { ensureCheckpoints } from "./synthetic";

/**
 * `bench merge`: synthetic bf16 Llama checkpoints, then each phase in a fresh child process (so peak RSS is
 * per phase): (a) the read floor, (b) one N-way SMA merge, (c) the fused 16-cell sweep, (d) the same cells one
 * at a time, (e) the disk's write floor for the sweep's outputs. All reads come from a warm page cache: a
 * warm-up read runs first, and the floor is measured before and after the merges (the faster one is reported).
 * Outputs go to a RAM-backed tmpfs when one has room (merges still fsync, which costs nothing there), so the
 * phases measure the engine rather than the disk; (e) shows what writing them to the disk would add.
 */
export interface BenchOptions {
  checkpoints: number;
  sizeMiB: number;
  threads: number;
  dir: string;
  /** Where merged outputs go; default: a tmpfs with room (see chooseOutputDir), else <dir>/outputs. */
  outDir?: string;
  /** Runs of each timed phase; the fastest is reported (on a shared machine the minimum is the least noisy). */
  repeat?: number;
  keep: boolean;
  /**
   * "warm": every read from the page cache (the engine's own speed). "cold": inputs dropped from the cache before
   * each phase and before each cell of (d) — checkpoints on storage, where fusion's read-once pays off.
   */
  cache?: "warm" | "cold";
  onPhase?: (label: string) => void;
}

export interface PhaseReport extends PhaseResult {
  maxRssBytes: number;
  /** Seconds of every run, in order (the report's `seconds` is the fastest). */
  runs?: number[];
}

export interface BenchReport {
  bench: "merge";
  checkpoints: number;
  sizeMiB: number;
  checkpointBytes: number;
  threads: number;
  /** Per round: cores the machine gave a busy loop on `threads` threads just before (see capacity.ts). */
  coresAvailable: number[];
  repeat: number;
  dir: string;
  outputs: string;
  cache: string;
  phases: { floor: PhaseReport; floorAfter: PhaseReport; merge: PhaseReport; sweep: PhaseReport; sequential: PhaseReport; writeFloor: PhaseReport };
  ratios: { mergeOverFloor: number; sweepOverSequential: number; sweepReadsPerInputByte: number };
  targets: { mergeWithin2xFloor: boolean; mergeRssUnder512MiB: boolean; sweepUnderHalfSequential: boolean; sweepReadsOnce: boolean };
}

export function defaultBenchDir(): string {
  return join(tmpdir(), "pma-lab-bench");
}

export async function runMergeBench(o: BenchOptions): Promise<BenchReport> {
  if (!Number.isInteger(o.checkpoints) || o.checkpoints < 2) throw new PmaError("invalid_arguments", "--checkpoints must be 2 or more");
  if (!(o.sizeMiB > 0)) throw new PmaError("invalid_arguments", "--size-mib must be positive");
  o.onPhase?.(`writing ${o.checkpoints} × ${o.sizeMiB} MiB synthetic checkpoints in ${o.dir}`);
  const inputs = await ensureCheckpoints(join(o.dir, "inputs"), o.checkpoints, o.sizeMiB);
  const checkpointBytes = fileBytes(inputs[0]);
  const cells = sweepCells(o.checkpoints).length;
  const chosen = o.outDir ? { dir: o.outDir, note: "given with --out-dir" } : await chooseOutputDir(o.dir, cells * checkpointBytes, o.checkpoints * checkpointBytes);
  const cold = o.cache === "cold";
  const once = async (args: Omit<PhaseArgs, "inputs" | "outDir" | "threads">, outDir: string): Promise<PhaseReport> => {
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    try {
      return await runChild({ ...args, inputs, outDir, threads: o.threads, cold });
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  };
  const repeat = Math.max(1, Math.floor(o.repeat ?? 1));
  // Keeps the fastest run of a phase; peak RSS is the largest seen.
  const best = new Map<string, PhaseReport>();
  const capacity: number[] = [];
  const run = async (key: string, label: string, args: Omit<PhaseArgs, "inputs" | "outDir" | "threads">, outDir = chosen.dir): Promise<PhaseReport> => {
    o.onPhase?.(label);
    const r = await once(args, outDir);
    const prev = best.get(key);
    const kept = !prev || r.seconds < prev.seconds ? r : prev;
    best.set(key, { ...kept, maxRssBytes: Math.max(r.maxRssBytes, prev?.maxRssBytes ?? 0), runs: [...(prev?.runs ?? []), r.seconds] });
    return r;
  };
  try {
    if (!cold) await once({ phase: "floor" }, chosen.dir); // warm-up: every input into the page cache
    // Rounds run every phase in turn, so on a shared machine a busy spell slows all phases, not one.
    for (let i = 0; i < repeat; i++) {
      const round = repeat > 1 ? ` [round ${i + 1}/${repeat}]` : "";
      o.onPhase?.(`measuring available cores${round}`);
      capacity.push(await measureCapacity(o.threads));
      await run("floor", `(a) read floor${round}`, { phase: "floor" });
      await run("merge", `(b) ${o.checkpoints}-way SMA merge${round}`, { phase: "merge" });
      const sweepRun = await run("sweep", `(c) fused ${cells}-cell sweep${round}`, { phase: "sweep" });
      await run("sequential", `(d) ${cells} cells one at a time${round}`, { phase: "sequential" });
      if (i === 0) await run("writeFloor", "(e) disk write floor", { phase: "write-floor", files: cells, fileBytes: Math.round(sweepRun.bytesWritten / cells) }, join(o.dir, "write-floor"));
      await run("floorAfter", `(a') read floor again${round}`, { phase: "floor" });
    }
    const [floor, merge, sweep, sequential, writeFloor, floorAfter] = ["floor", "merge", "sweep", "sequential", "writeFloor", "floorAfter"].map((k) => best.get(k)!);
    const floorSeconds = Math.min(floor.seconds, floorAfter.seconds);
    const inputBytes = floor.bytesRead;
    const ratios = {
      mergeOverFloor: merge.seconds / floorSeconds,
      sweepOverSequential: sweep.seconds / sequential.seconds,
      sweepReadsPerInputByte: sweep.bytesRead / inputBytes,
    };
    return {
      bench: "merge",
      checkpoints: o.checkpoints,
      sizeMiB: o.sizeMiB,
      checkpointBytes,
      threads: o.threads,
      coresAvailable: capacity,
      repeat,
      dir: o.dir,
      outputs: `${chosen.dir} (${chosen.note})`,
      cache: cold
        ? "cold: inputs dropped from the page cache before every phase and before each cell of (d) (floor measured before and after, the faster reported)"
        : "warm page cache for every phase (warm-up read first; floor measured before and after, the faster reported)",
      // (a) is the faster of the floors measured before and after the merges; its runs list both.
      phases: { floor: { ...(floor.seconds <= floorAfter.seconds ? floor : floorAfter), runs: [...(floor.runs ?? []), ...(floorAfter.runs ?? [])] }, floorAfter, merge, sweep, sequential, writeFloor },
      ratios,
      targets: {
        mergeWithin2xFloor: ratios.mergeOverFloor <= 2,
        mergeRssUnder512MiB: merge.maxRssBytes <= 512 * 2 ** 20,
        sweepUnderHalfSequential: ratios.sweepOverSequential <= 0.5,
        // Tensor data only (headers are read when opening): within 1% of the files' bytes.
        sweepReadsOnce: sweep.bytesRead <= inputBytes && sweep.bytesRead >= inputBytes * 0.99,
      },
    };
  } finally {
    // Only what the benchmark created; the directory itself goes only if that leaves it empty.
    if (!o.keep) await rm(join(o.dir, "inputs"), { recursive: true, force: true });
    await rmdir(o.dir).catch(() => undefined);
  }
}

const RUNNER = fileURLToPath(new URL("./run-phase.mjs", import.meta.url));

function runChild(args: PhaseArgs): Promise<PhaseReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER, JSON.stringify(args)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new PmaError("bench_failed", `benchmark phase ${args.phase} exited with code ${code}`));
      try {
        resolve(JSON.parse(last) as PhaseReport);
      } catch {
        reject(new PmaError("bench_failed", `benchmark phase ${args.phase} printed no result: ${last.slice(0, 200)}`));
      }
    });
  });
}

/** A tmpfs (/dev/shm) if the sweep's outputs fit in it and in memory next to the inputs' page cache. */
async function chooseOutputDir(dir: string, outputBytes: number, inputBytes: number): Promise<{ dir: string; note: string }> {
  const fallback = { dir: join(dir, "outputs"), note: "on the benchmark directory's file system" };
  try {
    const fs = await statfs("/dev/shm");
    const free = fs.bavail * fs.bsize;
    const meminfo = await readFile("/proc/meminfo", "utf8");
    const available = Number(/MemAvailable:\s+(\d+) kB/.exec(meminfo)?.[1] ?? 0) * 1024;
    const fits = fs.type === TMPFS_MAGIC && free > 1.2 * outputBytes && available > outputBytes + inputBytes + 2 ** 30;
    return fits ? { dir: "/dev/shm/pma-lab-bench-outputs", note: "tmpfs: RAM-backed, so fsync costs nothing; (e) is the disk's share" } : fallback;
  } catch {
    return fallback;
  }
}

const TMPFS_MAGIC = 0x01021994;

export function defaultThreads(): number {
  return availableParallelism();
}
