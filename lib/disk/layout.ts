import path from "node:path";

/** Where managed files live inside the data dir. Workers only ever write under `artifacts`. */
export function dataLayout(dataDir: string) {
  return {
    dataDir,
    artifacts: path.join(dataDir, "artifacts"),
    logs: path.join(dataDir, "logs"),
    /** Written reports, one directory per content hash. */
    reports: path.join(dataDir, "reports"),
  };
}

/** Attempt-scoped partial directory for an output: `<name>.partial-a<claim number>`. */
export function partialName(name: string, attempt: number): string {
  return `${name}.partial-a${attempt}`;
}

/**
 * A partial directory, possibly with the merge executor's own temporary suffix inside it
 * (`<name>.partial-a3.partial-5f2c…`, renamed to `<name>.partial-a3` when the executor finishes).
 */
export const PARTIAL_PATTERN = /\.partial-a(\d+)(\.partial-[0-9a-f]+)?$/;
