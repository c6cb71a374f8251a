import type { Dtype } from "../../safetensors/dtypes";
import type { OpenedCheckpoint } from "../../safetensors/checkpoint";

/** The merge executor's public types. A single merge is the one-output case of a fused sweep. */
export type OutputDtypeChoice = "input" | "BF16" | "F16" | "F32";

export interface ConsumerTensor {
  name: string;
  dtype: Dtype;
  shape: number[];
}

/** Receives a merge in process instead of (or as well as) files: one call per tensor, in file order. */
export interface TensorConsumer {
  begin?(tensors: ConsumerTensor[]): void | Promise<void>;
  /** `data` is a fresh copy owned by the consumer. */
  tensor(tensor: ConsumerTensor, data: Uint8Array): void | Promise<void>;
  end?(): void | Promise<void>;
}

export interface MergeOutputSpec {
  /** Final directory; must not exist. Written as `<outDir>.partial-<random>` and renamed when complete. */
  outDir?: string;
  consumer?: TensorConsumer;
  /** One per input, oldest first; 0 leaves the input out of this output. */
  weights: number[];
  /** "input" (default) keeps each tensor's dtype; otherwise every float tensor is written in this dtype. */
  outputDtype?: OutputDtypeChoice;
  /** Split the weights into shards of at most this many bytes (a larger tensor gets a shard of its own). */
  shardBytes?: number;
  /** Extra provenance stored under "context" in pma-merge.json (recipe, cell, run ids…). */
  manifest?: Record<string, unknown>;
}

export interface MergeProgress {
  bytesRead: number;
  bytesTotal: number;
  tensorsDone: number;
  tensorsTotal: number;
}

export interface ExecuteOptions {
  /** Checkpoint directories, oldest first. */
  inputs: string[];
  /** Content identities of the inputs (e.g. fingerprints from the database), recorded in the manifest. */
  inputIds?: (string | null)[];
  outputs: MergeOutputSpec[];
  /** Worker threads; default os.availableParallelism(). Results are bit-identical for any value. */
  threads?: number;
  /** Elements per chunk (rounded to the 256-element tile); default sized from a 256 MiB buffer budget. */
  chunkElements?: number;
  onProgress?: (progress: MergeProgress) => void;
  signal?: AbortSignal;
}

export interface OutputResult {
  outDir?: string;
  /** Single file: its sha256. Sharded: sha256 of the lines "<file>\t<sha256>\n" in file order. */
  sha256?: string;
  bytesWritten: number;
  /** File names written under outDir (weights, index, copied files, manifest). */
  files: string[];
}

export interface ExecuteResult {
  outputs: OutputResult[];
  /** Tensor bytes read from the inputs by this pass (headers excluded). */
  bytesRead: number;
  seconds: number;
  threads: number;
}

/** A sequential file writer: bytes arrive in order; each write is awaited before the next. */
export interface OutputWriter {
  write(data: Uint8Array): Promise<void>;
  finish(): Promise<{ bytes: number; sha256: string }>;
  abort(): Promise<void>;
}

/** Side effects the executor reaches through, so tests can substitute them (e.g. a disk that fills up). */
export interface ExecuteDeps {
  openCheckpoint: (dir: string) => Promise<OpenedCheckpoint>;
  openWriter: (filePath: string, header: Uint8Array) => Promise<OutputWriter>;
  now: () => number;
}
