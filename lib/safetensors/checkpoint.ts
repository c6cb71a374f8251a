import { readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { fsError, quote, stError } from "./errors";
import { openRegularFile, readFully, readSafetensorsHeader, type SafetensorsFile } from "./file";
import type { HeaderLimits, TensorInfo } from "./header";
import { findWeights } from "./weights-files";
import { parseShardIndex, type ShardIndex } from "./shard-index";

/**
 * Opens a checkpoint directory in Hugging Face layout: reads every shard's header (never the data) and
 * cross-checks them with the shard index, so a later merge can address any tensor by name.
 */
export interface CheckpointTensor {
  name: string;
  shardPath: string;
  info: TensorInfo;
  /** Absolute file offset of the tensor's first byte: shard.dataOffset + info.begin. */
  dataOffset: number;
}

export interface OpenedCheckpoint {
  dir: string;
  format: "safetensors" | "safetensors-sharded";
  shards: SafetensorsFile[];
  /** Sorted by name. */
  tensors: CheckpointTensor[];
  byName: Map<string, CheckpointTensor>;
  /** Sum of shard file sizes. */
  totalBytes: number;
  /** Sum of numel over all tensors. */
  params: number;
  /** Distinct, sorted. */
  dtypes: string[];
  metadata: Record<string, string> | null;
}

/** An index of 100k tensors is a few MB; anything far beyond is not an index. */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

export async function openCheckpoint(dir: string, limits?: Partial<HeaderLimits>): Promise<OpenedCheckpoint> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") {
      throw stError("st_not_a_directory", `${dir} is not a directory`, { dir });
    }
    throw fsError(error, "checkpoint directory", dir);
  }
  const found = findWeights(names, dir);
  if (found.kind === "single") {
    const shard = await readSafetensorsHeader(join(dir, found.file), limits);
    return assemble(dir, "safetensors", [shard]);
  }
  const index = parseShardIndex(await readIndexText(join(dir, found.index)), found.index);
  const shardNames = [...new Set(Object.values(index.weightMap))].sort();
  const shards = await Promise.all(shardNames.map((name) => readShard(dir, name, found.index, limits)));
  checkAgainstIndex(shards, index, found.index);
  return assemble(dir, "safetensors-sharded", shards);
}

async function readIndexText(filePath: string): Promise<string> {
  const { fh, stat } = await openRegularFile(filePath, "shard index");
  try {
    if (stat.size > MAX_INDEX_BYTES) {
      throw stError("st_index_invalid", `${filePath} is ${stat.size} bytes, too large for a shard index`, { filePath });
    }
    const bytes = new Uint8Array(stat.size);
    await readFully(fh, bytes, 0, stat.size, 0, filePath);
    return new TextDecoder().decode(bytes);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

async function readShard(dir: string, name: string, indexName: string, limits?: Partial<HeaderLimits>): Promise<SafetensorsFile> {
  try {
    return await readSafetensorsHeader(join(dir, name), limits);
  } catch (error) {
    if ((error as { code?: string }).code === "st_file_not_found") {
      throw stError("st_shard_missing", `shard ${quote(name)} listed in ${indexName} is missing from ${dir}`, { dir, shard: name }, error);
    }
    throw error;
  }
}

/** Every tensor exactly once, and exactly where the index says it is. Duplicates are reported first. */
function checkAgainstIndex(shards: SafetensorsFile[], index: ShardIndex, indexName: string): void {
  const where = new Map<string, string>();
  for (const shard of shards) {
    const file = basename(shard.filePath);
    for (const t of shard.tensors) {
      const other = where.get(t.name);
      if (other !== undefined) {
        throw stError("st_duplicate_tensor", `tensor ${quote(t.name)} is stored in both ${other} and ${file}`, { tensor: t.name });
      }
      where.set(t.name, file);
    }
  }
  for (const [name, file] of where) {
    const listed = Object.hasOwn(index.weightMap, name) ? index.weightMap[name] : undefined;
    if (listed !== file) {
      const said = listed === undefined ? `is not listed in ${indexName}` : `is listed in ${indexName} under ${listed}`;
      throw stError("st_index_mismatch", `tensor ${quote(name)} is in ${file} but ${said}`, { tensor: name });
    }
  }
  for (const [name, file] of Object.entries(index.weightMap)) {
    if (where.get(name) !== file) {
      throw stError("st_index_mismatch", `${indexName} lists tensor ${quote(name)} in ${file}, but that shard does not hold it`, { tensor: name });
    }
  }
}

function assemble(dir: string, format: OpenedCheckpoint["format"], shards: SafetensorsFile[]): OpenedCheckpoint {
  const tensors: CheckpointTensor[] = [];
  for (const shard of shards) {
    for (const info of shard.tensors) {
      tensors.push({ name: info.name, shardPath: shard.filePath, info, dataOffset: shard.dataOffset + info.begin });
    }
  }
  tensors.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const byName = new Map(tensors.map((t) => [t.name, t]));
  if (byName.size !== tensors.length) {
    // Only reachable for a single file (the index check catches it across shards); the parser forbids it too.
    throw stError("st_duplicate_tensor", `${dir} stores a tensor name twice`, { dir });
  }
  return {
    dir,
    format,
    shards,
    tensors,
    byName,
    totalBytes: shards.reduce((s, f) => s + f.fileSize, 0),
    params: tensors.reduce((s, t) => s + t.info.numel, 0),
    dtypes: [...new Set(tensors.map((t) => t.info.dtype))].sort(),
    metadata: shards[0]?.metadata ?? null,
  };
}

/** A plain, JSON-ready summary for `pma-lab inspect --json`. */
export function describeCheckpoint(c: OpenedCheckpoint) {
  return {
    format: c.format,
    shards: c.shards.map((s) => ({ file: basename(s.filePath), bytes: s.fileSize, tensors: s.tensors.length })),
    tensors: c.tensors.map((t) => ({ name: t.name, dtype: t.info.dtype, shape: [...t.info.shape], bytes: t.info.end - t.info.begin })),
    params: c.params,
    bytes: c.totalBytes,
    dtypes: [...c.dtypes],
  };
}
