import { close, fstat, open, read } from "node:fs";
import { PmaError } from "../../errors";
import type { OpenedCheckpoint } from "../../safetensors/checkpoint";

/**
 * Positional reads of tensor byte ranges straight into caller buffers (the kernel's shared memory), one file
 * descriptor per shard, so concurrent reads of many inputs run on libuv's thread pool without copies. Counts
 * every byte it reads.
 */
export class InputReader {
  bytesRead = 0;
  private active = 0;
  private readonly queue: (() => void)[] = [];

  private constructor(
    private readonly fds: Map<string, number>,
    /** Reads in flight at once: page-cache copies are memory-bound, and more copies than cores only thrash. */
    private readonly concurrency = 2,
  ) {}

  static async open(checkpoints: OpenedCheckpoint[]): Promise<InputReader> {
    const reader = new InputReader(new Map());
    try {
      for (const shard of checkpoints.flatMap((c) => c.shards)) {
        if (reader.fds.has(shard.filePath)) continue;
        const fd = await new Promise<number>((resolve, reject) => open(shard.filePath, "r", (e, fd) => (e ? reject(e) : resolve(fd))));
        reader.fds.set(shard.filePath, fd);
        const size = await new Promise<number>((resolve, reject) => fstat(fd, (e, st) => (e ? reject(e) : resolve(st.size))));
        if (size !== shard.fileSize) {
          throw new PmaError("merge_input_changed", `${shard.filePath} is ${size} bytes now but was ${shard.fileSize} when its header was read`);
        }
      }
    } catch (error) {
      await reader.close();
      throw error;
    }
    return reader;
  }

  /** The descriptor of an input file, for threads that read it themselves (they add to bytesRead). */
  fd(filePath: string): number {
    const fd = this.fds.get(filePath);
    if (fd === undefined) throw new Error(`InputReader: ${filePath} is not open`);
    return fd;
  }

  /** Fills `target` from `position` of the file, looping over short reads. */
  async read(filePath: string, position: number, target: Uint8Array): Promise<void> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      await this.readNow(filePath, position, target);
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }

  private async readNow(filePath: string, position: number, target: Uint8Array): Promise<void> {
    const fd = this.fds.get(filePath);
    if (fd === undefined) throw new Error(`InputReader: ${filePath} is not open`);
    let done = 0;
    while (done < target.byteLength) {
      const n = await new Promise<number>((resolve, reject) =>
        read(fd, target, done, target.byteLength - done, position + done, (e, bytes) => (e ? reject(e) : resolve(bytes))),
      );
      if (n === 0) {
        throw new PmaError("merge_input_changed", `${filePath} ended at byte ${position + done}: the file shrank while being merged`);
      }
      done += n;
      this.bytesRead += n;
    }
  }

  async close(): Promise<void> {
    const fds = [...this.fds.values()];
    this.fds.clear();
    await Promise.all(fds.map((fd) => new Promise<void>((resolve) => close(fd, () => resolve()))));
  }
}
