import type { Dtype } from "./dtypes";
import { quote, stError } from "./errors";
import { readHeaderEntries } from "./header-schema";

export { SAFETENSORS_ERROR_CODES, type SafetensorsErrorCode } from "./errors";

/**
 * Pure parsing of the safetensors header: 8-byte little-endian length N, then N bytes of JSON, then data.
 * The limits follow the reference parser (100 MB header) plus caps that bound memory before any tensor is
 * touched: a malformed header is rejected in time and space proportional to its own size, never to the
 * shapes it declares.
 */
export interface HeaderLimits {
  /** The reference parser's cap on N. */
  maxHeaderBytes: number;
  /** Real LLM checkpoints have a few thousand tensors; 100k leaves room while refusing "million tiny tensors". */
  maxTensors: number;
  maxRank: number;
  /** HF names are under 100 characters; this only stops absurd ones. */
  maxNameLength: number;
  maxMetadataEntries: number;
}

export const HEADER_LIMITS: Readonly<HeaderLimits> = Object.freeze({
  maxHeaderBytes: 100_000_000,
  maxTensors: 100_000,
  maxRank: 16,
  maxNameLength: 1024,
  maxMetadataEntries: 10_000,
});

export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Byte offsets relative to the start of the data section. */
  begin: number;
  end: number;
  numel: number;
}

export interface SafetensorsHeader {
  /** Sorted by begin. */
  tensors: TensorInfo[];
  metadata: Record<string, string> | null;
  headerLength: number;
  /** Absolute offset of the data section: 8 + headerLength. */
  dataOffset: number;
  dataLength: number;
}

export function resolveLimits(limits?: Partial<HeaderLimits>): HeaderLimits {
  return { ...HEADER_LIMITS, ...limits };
}

/** Reads N from the first 8 bytes and checks it against the cap and, when known, the file size. */
export function readHeaderLength(first8: Uint8Array, fileSize?: number, limits?: Partial<HeaderLimits>): number {
  const { maxHeaderBytes } = resolveLimits(limits);
  const size = fileSize ?? first8.byteLength;
  if (first8.byteLength < 8 || size < 8) {
    throw stError("st_file_too_small", `file is ${Math.min(size, first8.byteLength)} bytes, too small to hold the 8-byte header length`);
  }
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(maxHeaderBytes)) {
    throw stError("st_header_too_large", `header claims ${n} bytes, more than the ${maxHeaderBytes}-byte limit`, {
      headerLength: n.toString(),
    });
  }
  const length = Number(n);
  if (fileSize !== undefined && length > fileSize - 8) {
    throw stError("st_header_length_beyond_file", `header claims ${length} bytes but the file has only ${fileSize - 8} after the length prefix`, {
      headerLength: length,
      fileSize,
    });
  }
  return length;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Parses and fully validates the header bytes (without the 8-byte prefix) against the data section length. */
export function parseHeader(headerBytes: Uint8Array, dataLength: number, limits?: Partial<HeaderLimits>): SafetensorsHeader {
  const lim = resolveLimits(limits);
  if (headerBytes.byteLength > lim.maxHeaderBytes) {
    throw stError("st_header_too_large", `header is ${headerBytes.byteLength} bytes, more than the ${lim.maxHeaderBytes}-byte limit`);
  }
  let text: string;
  try {
    // ignoreBOM keeps a leading BOM in the text, so it is refused as JSON instead of silently dropped.
    text = utf8.decode(headerBytes);
  } catch (error) {
    throw stError("st_header_not_utf8", "header is not valid UTF-8", undefined, error);
  }
  const { tensors, metadata } = readHeaderEntries(text, lim);
  checkLayout(tensors, dataLength);
  const headerLength = headerBytes.byteLength;
  return { tensors, metadata, headerLength, dataOffset: 8 + headerLength, dataLength };
}

/**
 * The reference layout rule: sorted by offsets, tensors tile the data section exactly from 0 to its end, with
 * no gap (bytes nobody owns, a place to hide data) and no overlap (two tensors aliasing the same bytes).
 */
function checkLayout(tensors: TensorInfo[], dataLength: number): void {
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end || (a.name < b.name ? -1 : 1));
  let cursor = 0;
  for (const t of tensors) {
    if (t.begin !== cursor) {
      const what = t.begin > cursor ? `a gap of ${t.begin - cursor} bytes before it` : `it overlaps the previous tensor by ${cursor - t.begin} bytes`;
      throw stError("st_offsets_not_contiguous", `tensor ${quote(t.name)} starts at ${t.begin} but the previous data ends at ${cursor}: ${what}`, {
        tensor: t.name,
      });
    }
    cursor = t.end;
  }
  if (cursor !== dataLength) {
    throw stError("st_data_length_mismatch", `tensors cover ${cursor} bytes but the file's data section is ${dataLength} bytes`, {
      covered: cursor,
      dataLength,
    });
  }
}

/** Parses a whole file held in memory (tests, small uploads); the same checks as reading it from disk. */
export function parseSafetensorsBytes(bytes: Uint8Array, limits?: Partial<HeaderLimits>): SafetensorsHeader {
  const n = readHeaderLength(bytes.subarray(0, 8), bytes.byteLength, limits);
  return parseHeader(bytes.subarray(8, 8 + n), bytes.byteLength - 8 - n, limits);
}
