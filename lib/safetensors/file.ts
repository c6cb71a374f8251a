import { constants, type Stats } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { PmaError } from "../errors";
import { fsError, quote, stError } from "./errors";
import { type HeaderLimits, type SafetensorsHeader, type TensorInfo, parseHeader, readHeaderLength } from "./header";

/**
 * The I/O side of safetensors: read a header without touching the data, and read tensor byte ranges into
 * caller-owned buffers. Never reads a whole shard (checkpoints are tens of GB).
 */
export interface SafetensorsFile extends SafetensorsHeader {
  filePath: string;
  fileSize: number;
}

const LFS_PREFIX = "version https://git-lfs.github.com/spec/";

/**
 * Opens for reading and refuses anything but a regular file. O_NONBLOCK keeps open() of a FIFO from hanging
 * until a writer appears (it has no effect on regular files), and fstat on the open handle avoids the race
 * between a separate stat and the open.
 */
export async function openRegularFile(filePath: string, what = "safetensors file"): Promise<{ fh: FileHandle; stat: Stats }> {
  let fh: FileHandle;
  try {
    fh = await open(filePath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw fsError(error, what, filePath);
  }
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) throw stError("st_not_regular_file", `${what} ${filePath} is not a regular file`, { filePath });
    return { fh, stat };
  } catch (error) {
    await fh.close().catch(() => undefined);
    throw error;
  }
}

/** Reads exactly `length` bytes at `position` into `target`, looping over short reads. */
export async function readFully(fh: FileHandle, target: Uint8Array, offset: number, length: number, position: number, filePath: string): Promise<void> {
  let done = 0;
  while (done < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await fh.read(target, offset + done, length - done, position + done));
    } catch (error) {
      throw fsError(error, "file", filePath);
    }
    if (bytesRead === 0) {
      throw stError("st_short_read", `${filePath} ended at byte ${position + done}, expected ${length - done} more bytes: the file shrank or was replaced while being read`, { filePath });
    }
    done += bytesRead;
  }
}

export async function readSafetensorsHeader(filePath: string, limits?: Partial<HeaderLimits>): Promise<SafetensorsFile> {
  const { fh, stat } = await openRegularFile(filePath);
  try {
    const fileSize = stat.size;
    const head = new Uint8Array(Math.min(fileSize, LFS_PREFIX.length));
    await readFully(fh, head, 0, head.byteLength, 0, filePath);
    checkNotLfsPointer(head, filePath);
    const headerLength = readHeaderLength(head.subarray(0, 8), fileSize, limits);
    // Allocation is bounded by the file's real size (checked above), not by what the header claims.
    const headerBytes = new Uint8Array(headerLength);
    await readFully(fh, headerBytes, 0, headerLength, 8, filePath);
    const header = parseHeader(headerBytes, fileSize - 8 - headerLength, limits);
    return { ...header, filePath, fileSize };
  } catch (error) {
    throw withFilePath(error, filePath);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** Header errors are pure and pathless; name the file so a message about shard 37 says so. */
function withFilePath(error: unknown, filePath: string): unknown {
  if (!(error instanceof PmaError) || error.message.includes(filePath)) return error;
  const details = { ...(error.details as Record<string, unknown> | undefined), filePath };
  return new PmaError(error.code, `${filePath}: ${error.message}`, { permanent: error.permanent, details, cause: error.cause });
}

function checkNotLfsPointer(head: Uint8Array, filePath: string): void {
  if (head.byteLength < LFS_PREFIX.length) return;
  if (new TextDecoder().decode(head) === LFS_PREFIX) {
    throw stError("st_lfs_pointer", `${filePath} is a Git LFS pointer, not the weights: the weights were not downloaded (run \`git lfs pull\` in the repository)`, { filePath });
  }
}

/** Positional reads of tensor byte ranges from one open shard. Safe to call concurrently. */
export class TensorReader {
  private constructor(
    private readonly fh: FileHandle,
    readonly header: SafetensorsFile,
  ) {}

  static async open(filePath: string, header?: SafetensorsFile): Promise<TensorReader> {
    const parsed = header ?? (await readSafetensorsHeader(filePath));
    const { fh, stat } = await openRegularFile(filePath);
    // The header may have been read long before (at registration); a size change means a different file.
    if (stat.size !== parsed.fileSize) {
      await fh.close().catch(() => undefined);
      throw stError("st_file_changed", `${filePath} is ${stat.size} bytes now but was ${parsed.fileSize} when its header was read`, { filePath });
    }
    return new TensorReader(fh, parsed);
  }

  /** Reads `length` bytes of `tensor`, starting `offsetInTensor` bytes in, into the start of `target`. */
  async readInto(tensor: TensorInfo, target: Uint8Array, offsetInTensor = 0, length = target.byteLength): Promise<void> {
    const span = tensor.end - tensor.begin;
    const ok =
      Number.isSafeInteger(offsetInTensor) && Number.isSafeInteger(length) && offsetInTensor >= 0 && length >= 0 &&
      offsetInTensor + length <= span && length <= target.byteLength && tensor.end <= this.header.dataLength;
    if (!ok) {
      throw stError("st_bad_read_range", `cannot read ${length} bytes at ${offsetInTensor} of tensor ${quote(tensor.name)} (${span} bytes) into a ${target.byteLength}-byte buffer`, {
        tensor: tensor.name,
      });
    }
    const position = this.header.dataOffset + tensor.begin + offsetInTensor;
    await readFully(this.fh, target, 0, length, position, this.header.filePath);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
