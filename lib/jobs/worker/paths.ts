import path from "node:path";
import { resolveAllowedDirectory } from "../../checkpoints/paths";
import { isInside } from "../../disk";
import { PmaError } from "../../errors";
import { ARTIFACT_NAME_PATTERN } from "../kinds";

/**
 * Remote workers see the server's storage under other mount points. `--path-map /srv/ckpt=/mnt/ckpt` rewrites
 * every server path that starts with /srv/ckpt (on a path-component boundary); the longest prefix wins.
 */
export interface PathMapping {
  from: string;
  to: string;
}

export function parsePathMap(entries: string[]): PathMapping[] {
  return entries.map((entry) => {
    const at = entry.indexOf("=");
    const from = at > 0 ? entry.slice(0, at) : "";
    const to = at > 0 ? entry.slice(at + 1) : "";
    if (!path.isAbsolute(from) || !path.isAbsolute(to) || entry.includes("\0")) {
      throw new PmaError("path_map_invalid", `--path-map "${entry}": expected /server/prefix=/worker/prefix (both absolute)`);
    }
    return { from: path.resolve(from), to: path.resolve(to) };
  });
}

export function mapPath(serverPath: string, mappings: PathMapping[]): string {
  const resolved = path.resolve(serverPath);
  const match = mappings
    .filter((mapping) => isInside(resolved, mapping.from))
    .sort((a, b) => b.from.length - a.from.length)[0];
  return match ? path.join(match.to, path.relative(match.from, resolved)) : resolved;
}

/**
 * The worker's own check on what the server asks it to write: a name from the server's templates
 * (`merges/<hash>`, `test/<name>`), resolving inside the managed artifacts directory — never `../x`, never
 * an absolute path.
 */
export function resolveOutputPath(artifactsDir: string, name: string): string {
  if (!ARTIFACT_NAME_PATTERN.test(name) || name.includes("..")) {
    throw new PmaError("output_name_refused", `refusing to write "${name}": not an artifact name from the server's templates`);
  }
  const target = path.resolve(artifactsDir, name);
  if (!isInside(target, artifactsDir) || target === path.resolve(artifactsDir)) {
    throw new PmaError("output_name_refused", `refusing to write "${name}": outside the managed artifacts directory`);
  }
  return target;
}

/** A checkpoint the server named: mapped, then resolved and required inside the worker's own roots. */
export function resolveInputPath(serverPath: string, mappings: PathMapping[], roots: string[]): Promise<string> {
  return resolveAllowedDirectory(mapPath(serverPath, mappings), roots);
}
