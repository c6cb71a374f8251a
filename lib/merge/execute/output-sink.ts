import { join } from "node:path";
import { DTYPE_SIZES } from "../../safetensors/dtypes";
import { layoutHeader } from "../../safetensors/layout";
import type { ExecutionPlan, PlannedChunk } from "./plan";
import type { ConsumerTensor, OutputWriter, TensorConsumer } from "./types";

/**
 * Where one output's bytes go, chunk by chunk in file order: safetensors files under the partial directory
 * (opened when their first tensor arrives, finished after their last) and/or an in-process consumer, which
 * gets each tensor whole.
 */
export interface WrittenFile {
  name: string;
  bytes: number;
  sha256: string;
}

export class OutputSink {
  private readonly fileOf: number[] = [];
  private readonly writers = new Map<number, OutputWriter>();
  private readonly finishing: Promise<WrittenFile>[] = [];
  private pending: Uint8Array | null = null;

  constructor(
    private readonly plan: ExecutionPlan,
    private readonly output: number,
    private readonly dir: string | null,
    private readonly consumer: TensorConsumer | undefined,
    private readonly openWriter: (filePath: string, header: Uint8Array) => Promise<OutputWriter>,
  ) {
    plan.outputs[output].files.forEach((f, i) => f.tensors.forEach((t) => (this.fileOf[t] = i)));
  }

  async begin(): Promise<void> {
    await this.consumer?.begin?.(this.plan.tensors.map((_, i) => this.describe(i)));
  }

  async write(chunk: PlannedChunk, data: Uint8Array): Promise<void> {
    await Promise.all([this.writeFile(chunk, data), this.deliver(chunk, data)]);
  }

  /** Waits for every file to be fsynced and closed; returns them in file order. */
  async finish(): Promise<WrittenFile[]> {
    const files = await Promise.all(this.finishing);
    await this.consumer?.end?.();
    return files;
  }

  async abort(): Promise<void> {
    await Promise.allSettled(this.finishing);
    await Promise.allSettled([...this.writers.values()].map((w) => w.abort()));
  }

  private describe(index: number): ConsumerTensor {
    const t = this.plan.tensors[index];
    return { name: t.name, dtype: t.outDtypes[this.output], shape: [...t.shape] };
  }

  private async writeFile(chunk: PlannedChunk, data: Uint8Array): Promise<void> {
    if (this.dir === null) return;
    const index = this.fileOf[chunk.tensor];
    const file = this.plan.outputs[this.output].files[index];
    let writer = this.writers.get(index);
    if (!writer) {
      const header = layoutHeader(file.tensors.map((t) => this.describe(t)), { format: "pt" }).headerBytes;
      writer = await this.openWriter(join(this.dir, file.name), header);
      this.writers.set(index, writer);
    }
    if (data.byteLength > 0) await writer.write(data);
    if (chunk.last && file.tensors[file.tensors.length - 1] === chunk.tensor) {
      this.writers.delete(index);
      const done = writer.finish().then((r) => ({ name: file.name, bytes: r.bytes, sha256: r.sha256 }));
      done.catch(() => undefined); // surfaced by finish(); never an unhandled rejection meanwhile
      this.finishing.push(done);
    }
  }

  private async deliver(chunk: PlannedChunk, data: Uint8Array): Promise<void> {
    if (!this.consumer) return;
    const t = this.plan.tensors[chunk.tensor];
    const size = DTYPE_SIZES[t.outDtypes[this.output]];
    if (chunk.begin === 0) this.pending = new Uint8Array(t.numel * size);
    this.pending!.set(data, chunk.begin * size);
    if (chunk.last) {
      const whole = this.pending!;
      this.pending = null;
      await this.consumer.tensor(this.describe(chunk.tensor), whole);
    }
  }
}
