import { spawnSync } from "node:child_process";
import { closeSync, fsyncSync, openSync, readSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { executeMerge } from "../../lib/merge/execute";
import { sweepCells } from "./cells";

/**
 * The benchmark's phases. Each runs in a child process of its own (phase-main.ts), so its peak RSS is its own.
 * Times are wall-clock around the measured work only (process start and module loading excluded).
 */
export interface PhaseArgs {
  phase: "floor" | "merge" | "sweep" | "sequential" | "write-floor";
  inputs: string[];
  outDir: string;
  threads?: number;
  /**
   * Cold reads: drop the inputs from the page cache before the timed work (and before each cell of
   * "sequential"), as when checkpoints live on storage that does not fit in memory.
   */
  cold?: boolean;
  /** write-floor: files and bytes per file to write. */
  files?: number;
  fileBytes?: number;
}

export interface PhaseResult {
  seconds: number;
  bytesRead: number;
  bytesWritten: number;
  outputs: number;
}

const READ_BYTES = 8 * 1024 * 1024;

export async function runPhase(a: PhaseArgs): Promise<PhaseResult> {
  if (a.cold) evictFromPageCache(a.inputs);
  switch (a.phase) {
    case "floor":
      return readFloor(a.inputs);
    case "write-floor":
      return writeFloor(a.outDir, a.files ?? 1, a.fileBytes ?? 0);
    case "merge": {
      const n = a.inputs.length;
      const t = performance.now();
      const r = await executeMerge({ inputs: a.inputs, outputs: [{ outDir: join(a.outDir, "sma"), weights: new Array<number>(n).fill(1 / n) }], threads: a.threads });
      return { seconds: (performance.now() - t) / 1000, bytesRead: r.bytesRead, bytesWritten: r.outputs[0].bytesWritten, outputs: 1 };
    }
    case "sweep": {
      const cells = sweepCells(a.inputs.length);
      const t = performance.now();
      const r = await executeMerge({
        inputs: a.inputs,
        outputs: cells.map((c, k) => ({ outDir: join(a.outDir, `cell-${k}`), weights: c.weights, manifest: { cell: c.label } })),
        threads: a.threads,
      });
      const written = r.outputs.reduce((s, o) => s + o.bytesWritten, 0);
      return { seconds: (performance.now() - t) / 1000, bytesRead: r.bytesRead, bytesWritten: written, outputs: cells.length };
    }
    case "sequential": {
      const result: PhaseResult = { seconds: 0, bytesRead: 0, bytesWritten: 0, outputs: 0 };
      for (const [k, c] of sweepCells(a.inputs.length).entries()) {
        const outDir = join(a.outDir, `cell-${k}`);
        if (a.cold && k > 0) evictFromPageCache(a.inputs);
        const t = performance.now();
        const r = await executeMerge({ inputs: a.inputs, outputs: [{ outDir, weights: c.weights, manifest: { cell: c.label } }], threads: a.threads });
        result.seconds += (performance.now() - t) / 1000;
        result.bytesRead += r.bytesRead;
        result.bytesWritten += r.outputs[0].bytesWritten;
        result.outputs++;
        rmSync(outDir, { recursive: true, force: true }); // outside the timed region
      }
      return result;
    }
  }
}

/**
 * Drops every input file's pages from the page cache: `dd iflag=nocache count=0` asks the kernel
 * (posix_fadvise DONTNEED) to forget the whole file, which needs no privileges. Clean pages only — the
 * synthetic inputs were fsynced when written.
 */
function evictFromPageCache(inputs: string[]): void {
  for (const dir of inputs) {
    const file = join(dir, "model.safetensors");
    const r = spawnSync("dd", [`if=${file}`, "iflag=nocache", "count=0", "status=none"], { stdio: ["ignore", "ignore", "pipe"] });
    if (r.status !== 0) throw new Error(`could not drop ${file} from the page cache: ${r.stderr?.toString().trim() || r.error?.message}`);
  }
}

/** Plain sequential 8 MiB reads of every input file into one buffer: what any merge must at least pay. */
function readFloor(inputs: string[]): PhaseResult {
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  const files = inputs.map((dir) => join(dir, "model.safetensors"));
  const t = performance.now();
  let bytes = 0;
  for (const file of files) {
    const fd = openSync(file, "r");
    try {
      for (let n = readSync(fd, buffer, 0, READ_BYTES, null); n > 0; n = readSync(fd, buffer, 0, READ_BYTES, null)) bytes += n;
    } finally {
      closeSync(fd);
    }
  }
  return { seconds: (performance.now() - t) / 1000, bytesRead: bytes, bytesWritten: 0, outputs: 0 };
}

/** Sequential 8 MiB writes plus fsync of `files` files: the disk's share of writing the sweep's outputs. */
function writeFloor(dir: string, files: number, fileBytes: number): PhaseResult {
  const buffer = Buffer.alloc(READ_BYTES, 0x3c);
  for (let i = 0; i < buffer.length; i += 4) buffer.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i); // not all-zero: no shortcut
  const t = performance.now();
  let written = 0;
  for (let f = 0; f < files; f++) {
    const fd = openSync(join(dir, `write-floor-${f}.bin`), "wx");
    try {
      for (let at = 0; at < fileBytes; at += READ_BYTES) written += writeSync(fd, buffer, 0, Math.min(READ_BYTES, fileBytes - at));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  const seconds = (performance.now() - t) / 1000;
  for (let f = 0; f < files; f++) rmSync(join(dir, `write-floor-${f}.bin`), { force: true });
  return { seconds, bytesRead: 0, bytesWritten: written, outputs: files };
}

export function fileBytes(dir: string): number {
  return statSync(join(dir, "model.safetensors")).size;
}
