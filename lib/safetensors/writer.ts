import { createHash, type Hash } from "node:crypto";
import { open, unlink, type FileHandle } from "node:fs/promises";
import { quote, stError } from "./errors";
import { type HeaderLayout, type TensorSpec, layoutHeader } from "./layout";

export { layoutHeader, type HeaderLayout, type TensorSpec } from "./layout";

/**
 * Streams a safetensors file front to back: the header is fixed first, then data arrives in tensor order.
 * Small writes are gathered into one 8 MiB buffer (a merge produces many small tensors; one syscall each
 * would dominate), and the sha256 of the whole file is computed as bytes pass, so publishing never re-reads.
 */
const BUFFER_BYTES = 8 * 1024 * 1024;

export interface WriteResult {
  bytes: number;
  sha256: string;
}

export class SafetensorsWriter {
  private buffer: Uint8Array | null = null;
  private buffered = 0;
  private filePos = 0;
  private dataWritten = 0;
  private busy = false;
  private closed = false;
  private readonly hash: Hash = createHash("sha256");

  private constructor(
    private readonly fh: FileHandle,
    readonly filePath: string,
    readonly layout: HeaderLayout,
  ) {}

  /** Creates the file (refusing to overwrite: a clash with an input checkpoint must never truncate it). */
  static async create(filePath: string, tensors: TensorSpec[], metadata?: Record<string, string> | null): Promise<SafetensorsWriter> {
    const layout = layoutHeader(tensors, metadata);
    let fh: FileHandle;
    try {
      fh = await open(filePath, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") {
        throw stError("st_output_exists", `${filePath} already exists; refusing to overwrite it`, { filePath }, error);
      }
      throw writeFailed(error, filePath);
    }
    const writer = new SafetensorsWriter(fh, filePath, layout);
    try {
      await writer.append(layout.headerBytes);
    } catch (error) {
      await writer.abort().catch(() => undefined);
      throw error;
    }
    return writer;
  }

  get bytesExpected(): number {
    return this.layout.dataOffset + this.layout.dataLength;
  }

  /** Appends data bytes; the caller awaits each call (writes are ordered, so they cannot overlap). */
  async write(chunk: Uint8Array): Promise<void> {
    this.checkOpen();
    if (this.dataWritten + chunk.byteLength > this.layout.dataLength) {
      throw stError("st_write_overflow", `writing ${chunk.byteLength} more bytes to ${this.filePath} would exceed the ${this.layout.dataLength} bytes its header declares`);
    }
    this.busy = true;
    try {
      await this.append(chunk);
      this.dataWritten += chunk.byteLength;
    } finally {
      this.busy = false;
    }
  }

  async finish({ fsync = true }: { fsync?: boolean } = {}): Promise<WriteResult> {
    this.checkOpen();
    if (this.dataWritten !== this.layout.dataLength) {
      throw stError("st_write_incomplete", `${this.filePath} got ${this.dataWritten} data bytes, its header declares ${this.layout.dataLength}`);
    }
    try {
      await this.flush();
      if (fsync) await this.fh.sync();
      this.closed = true;
      await this.fh.close();
    } catch (error) {
      throw writeFailed(error, this.filePath);
    }
    return { bytes: this.filePos, sha256: this.hash.digest("hex") };
  }

  /** Closes and deletes the partial file; safe to call after any failure, and more than once. */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.fh.close().catch(() => undefined);
    }
    await unlink(this.filePath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw writeFailed(error, this.filePath);
    });
  }

  private checkOpen(): void {
    if (this.closed) throw stError("st_writer_closed", `${this.filePath} is already finished or aborted`);
    if (this.busy) throw stError("st_writer_closed", `${this.filePath}: a write is still in progress; await each write`);
  }

  private async append(chunk: Uint8Array): Promise<void> {
    this.hash.update(chunk);
    if (this.buffered + chunk.byteLength <= BUFFER_BYTES) {
      this.buffer ??= new Uint8Array(BUFFER_BYTES);
      this.buffer.set(chunk, this.buffered);
      this.buffered += chunk.byteLength;
      if (this.buffered === BUFFER_BYTES) await this.flush();
      return;
    }
    await this.flush();
    // Too big to gather: write it straight from the caller's buffer.
    await this.writeAt(chunk);
  }

  private async flush(): Promise<void> {
    if (!this.buffer || this.buffered === 0) return;
    const pending = this.buffer.subarray(0, this.buffered);
    this.buffered = 0;
    await this.writeAt(pending);
  }

  private async writeAt(bytes: Uint8Array): Promise<void> {
    let done = 0;
    try {
      while (done < bytes.byteLength) {
        const { bytesWritten } = await this.fh.write(bytes, done, bytes.byteLength - done, this.filePos + done);
        done += bytesWritten;
      }
    } catch (error) {
      throw writeFailed(error, this.filePath);
    } finally {
      this.filePos += done;
    }
  }
}

function writeFailed(error: unknown, filePath: string) {
  const reason = error instanceof Error ? error.message : String(error);
  return stError("st_write_failed", `could not write ${filePath}: ${reason}`, { filePath, errno: (error as NodeJS.ErrnoException)?.code }, error);
}

export interface TensorWithData extends TensorSpec {
  data: Uint8Array;
}

/** One-shot writer for tests and small files: everything is in memory already. */
export async function writeSafetensorsFile(
  filePath: string,
  tensors: TensorWithData[],
  metadata?: Record<string, string> | null,
): Promise<WriteResult> {
  const writer = await SafetensorsWriter.create(filePath, tensors, metadata);
  try {
    for (const [i, t] of tensors.entries()) {
      const info = writer.layout.tensors[i];
      if (t.data.byteLength !== info.end - info.begin) {
        throw stError("st_bad_tensor_data", `tensor ${quote(t.name)} has ${t.data.byteLength} bytes of data, its ${t.dtype}[${t.shape.join(", ")}] needs ${info.end - info.begin}`);
      }
      await writer.write(t.data);
    }
    return await writer.finish();
  } catch (error) {
    await writer.abort().catch(() => undefined);
    throw error;
  }
}
