import { quote, stError } from "./errors";

/**
 * The Hugging Face shard index (`model.safetensors.index.json`): which shard file holds each tensor. Shard
 * names come from a file we did not write and are joined onto a directory, so each must be a plain file name
 * in that directory — never a path.
 */
export interface ShardIndex {
  metadata: Record<string, unknown>;
  weightMap: Record<string, string>;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function parseShardIndex(text: string, sourceName: string): ShardIndex {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw stError("st_index_invalid", `${sourceName} is not valid JSON`, { source: sourceName }, error);
  }
  if (!isPlainObject(parsed) || !isPlainObject(parsed.weight_map)) {
    throw stError("st_index_invalid", `${sourceName} has no "weight_map" object`, { source: sourceName });
  }
  const metadata = parsed.metadata ?? {};
  if (!isPlainObject(metadata)) {
    throw stError("st_index_invalid", `${sourceName}: "metadata" must be an object`, { source: sourceName });
  }
  const entries: [string, string][] = [];
  for (const [tensor, shard] of Object.entries(parsed.weight_map)) {
    if (typeof shard !== "string") {
      throw stError("st_index_invalid", `${sourceName}: the shard for tensor ${quote(tensor)} is not a string`, { source: sourceName });
    }
    checkShardName(shard, sourceName);
    entries.push([tensor, shard]);
  }
  if (entries.length === 0) {
    throw stError("st_index_invalid", `${sourceName} lists no tensors`, { source: sourceName });
  }
  // fromEntries: a tensor literally named "__proto__" stays an ordinary entry.
  return { metadata, weightMap: Object.fromEntries(entries) };
}

/** A shard name must be a plain basename ending in .safetensors (pickle shards are never read). */
export function checkShardName(name: string, sourceName: string): void {
  const bad =
    name.length === 0 ||
    name.length > 255 ||
    /[/\\\u0000-\u001f]/.test(name) ||
    name.includes("..") ||
    name.startsWith(".") ||
    /^[A-Za-z]:/.test(name) ||
    !name.endsWith(".safetensors");
  if (bad) {
    throw stError(
      "st_index_bad_shard_name",
      `${sourceName} names shard ${quote(name)}, which is not a plain *.safetensors file name in the checkpoint directory`,
      { source: sourceName, shard: name },
    );
  }
}

/** HF's layout: `{"metadata": {"total_size": N}, "weight_map": {...}}`, keys sorted, 2-space indent. */
export function formatShardIndex(weightMap: Record<string, string>, totalSize: number): string {
  const names = Object.keys(weightMap).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sorted = Object.fromEntries(names.map((n) => [n, weightMap[n]]));
  return `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: sorted }, null, 2)}\n`;
}
