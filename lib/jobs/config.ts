import { z } from "zod";
import { PmaError } from "../errors";
import { DEFAULT_BACKOFF, type BackoffPolicy } from "./queue";

/**
 * Queue tuning from the environment, parsed once (the server decides back-off for every worker, local or
 * remote). Tests shorten it: PMA_LAB_JOB_BACKOFF_MS=50.
 */
const schema = z.object({
  PMA_LAB_JOB_BACKOFF_MS: z.coerce.number().int().min(1).max(3_600_000).optional(),
  PMA_LAB_JOB_BACKOFF_MAX_MS: z.coerce.number().int().min(1).max(86_400_000).optional(),
  PMA_LAB_TEST_JOBS: z.enum(["0", "1"]).optional(),
});

export interface JobConfig {
  backoff: BackoffPolicy;
  /** Lets the noop kind crash its worker: only for the queue's own failure tests. */
  allowTestJobs: boolean;
}

export function parseJobConfig(env: Record<string, string | undefined>): JobConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PmaError("config_invalid", `Invalid configuration: ${issue.path.join(".")}: ${issue.message}`);
  }
  const baseMs = parsed.data.PMA_LAB_JOB_BACKOFF_MS ?? DEFAULT_BACKOFF.baseMs;
  const maxMs = Math.max(baseMs, parsed.data.PMA_LAB_JOB_BACKOFF_MAX_MS ?? DEFAULT_BACKOFF.maxMs);
  return { backoff: { baseMs, maxMs }, allowTestJobs: parsed.data.PMA_LAB_TEST_JOBS === "1" };
}

let cached: JobConfig | undefined;

export function getJobConfig(): JobConfig {
  cached ??= parseJobConfig(process.env);
  return cached;
}
