import { writeTransaction, type Db } from "../../db/client";
import { countLiveTasks, insertSubmission, insertTasks, listReadySlurmJobs, listTasks, settleTasks, updateSubmission, type ReadyJob } from "../../db/queries";
import type { SbatchRequest } from "../../db/schema";
import { describeError, PmaError } from "../errors";
import { failQueuedJobIn } from "../jobs/queue";
import { createWorkerTokenIn } from "../jobs/tokens";
import type { EvaluatorRegistry } from "../eval/registry";
import type { SlurmCli } from "./commands";
import type { SlurmConfig } from "./config";
import { describeSubmission, planSubmissions, type PlannedSubmission } from "./plan";
import { resolveRequest, type EvaluatorForRequest } from "./resources";
import { renderBatchScript } from "./script";
import { revokeSubmissionToken } from "./tokens";

/**
 * Turns ready jobs into sbatch submissions: one write transaction stores the submissions, their tasks, scripts and
 * scoped tokens; then each goes to sbatch. The token's plain text lives only in this process's memory and in
 * sbatch's environment (never in the database or the script).
 */

export interface SubmitterDeps {
  db: Db;
  config: SlurmConfig;
  cli: SlurmCli;
  /** The evaluators config, for evaluate jobs' resources (null: none could be loaded). */
  loadRegistry: () => EvaluatorRegistry | null;
  /** The environment sbatch runs with (PATH…, SLURM_CONF); the token is added per submission. */
  baseEnv: Record<string, string>;
  now: () => number;
  say: (line: string) => void;
}

interface Prepared {
  id: number;
  token: string;
  script: string;
  jobIds: number[];
}

export interface SubmitOutcome {
  submitted: number;
  refused: number;
  /** sbatch could not reach the controller: the submitter waits before trying again. */
  unreachable: boolean;
}

export async function submitReady(deps: SubmitterDeps): Promise<SubmitOutcome> {
  const registry = deps.loadRegistry();
  const prepared = writeTransaction(deps.db, (tx) => {
    const room = deps.config.maxPending - countLiveTasks(tx);
    if (room <= 0) return [];
    const ready = listReadySlurmJobs(tx, deps.now(), room);
    const items = ready.map((entry) => ({ jobId: entry.job.id, kind: entry.job.kind, sweepId: entry.target.sweepId, request: requestFor(entry, deps.config, registry) }));
    return planSubmissions(items, deps.config.maxArraySize).map((plan) => prepareIn(tx, plan, deps));
  });
  const outcome: SubmitOutcome = { submitted: 0, refused: 0, unreachable: false };
  for (const submission of prepared) {
    // Once the controller is unreachable, the rest of this round would only time out in turn.
    const error = outcome.unreachable ? new PmaError("slurm_unavailable", "not tried: sbatch could not reach the controller this round", { permanent: false }) : await send(submission, deps);
    if (error === null) {
      outcome.submitted += 1;
      continue;
    }
    refuse(submission, error, deps);
    outcome.refused += 1;
    if (!(error instanceof PmaError && error.permanent)) outcome.unreachable = true;
  }
  return outcome;
}

function requestFor(entry: ReadyJob, config: SlurmConfig, registry: EvaluatorRegistry | null): SbatchRequest {
  const { job, target } = entry;
  let evaluator: EvaluatorForRequest | undefined;
  if (job.kind === "evaluate" && registry) {
    try {
      evaluator = registry.get((job.payload as { evaluator: string }).evaluator);
    } catch {
      evaluator = undefined; // the worker reports the unknown evaluator itself
    }
  }
  const kind = config.kinds[job.kind as keyof SlurmConfig["kinds"]] ?? (job.kind === "sweep-pass" ? config.kinds.merge : undefined);
  return resolveRequest(job, { defaults: config.defaults, kind, evaluator, target: target.settings });
}

function prepareIn(tx: Db, plan: PlannedSubmission, deps: SubmitterDeps): Prepared {
  const { config } = deps;
  const now = deps.now();
  // The id names the token and the job, so insert first and fill them in.
  const row = insertSubmission(tx, { name: "", kind: plan.kind, sweepId: plan.sweepId, isArray: plan.jobIds.length > 1, request: plan.request, script: "", tokenId: null, now });
  const token = createWorkerTokenIn(tx, `slurm-submission-${row.id}`);
  const name = `${config.namePrefix}-s${row.id}`;
  const script = renderBatchScript({
    submissionId: row.id,
    name,
    request: plan.request,
    jobIds: plan.jobIds,
    description: describeSubmission(plan),
    server: config.server,
    command: config.command,
    pathMap: config.pathMapText,
    env: config.env,
    chdir: config.chdir,
    logDir: config.logDir,
    leaseSeconds: config.leaseSeconds,
    maxParallel: config.maxParallel,
  });
  updateSubmission(tx, row.id, { name, script, tokenId: token.id });
  insertTasks(tx, plan.jobIds.map((jobId, index) => ({ submissionId: row.id, jobId, arrayIndex: plan.jobIds.length > 1 ? index : null })), now);
  return { id: row.id, token: token.token, script, jobIds: plan.jobIds };
}

/** sbatch; null when it took the job, else its error. */
async function send(submission: Prepared, deps: SubmitterDeps): Promise<unknown> {
  try {
    const slurmJobId = await deps.cli.submit(submission.script, { ...deps.baseEnv, PMA_LAB_WORKER_TOKEN: submission.token });
    updateSubmission(deps.db, submission.id, { state: "submitted", slurmJobId, submittedAt: deps.now() });
    deps.say(`submission #${submission.id}: Slurm job ${slurmJobId} for ${submission.jobIds.length} job(s)`);
    return null;
  } catch (error) {
    return error;
  }
}

/**
 * sbatch said no. A refusal (bad partition, account or QoS; over a limit) fails the jobs with its message: the
 * same request would be refused again. An unreachable controller leaves them queued for the next round.
 */
function refuse(submission: Prepared, error: unknown, deps: SubmitterDeps): void {
  const permanent = error instanceof PmaError ? error.permanent : false;
  const message = `sbatch refused submission #${submission.id}: ${describeError(error)}`;
  deps.say(message);
  writeTransaction(deps.db, (tx) => {
    const now = deps.now();
    updateSubmission(tx, submission.id, { state: "rejected", error: describeError(error), endedAt: now });
    revokeSubmissionToken(tx, submission.id);
    settleTasks(tx, listTasks(tx, submission.id).map((task) => task.id), "rejected", message, now);
    if (permanent) {
      for (const jobId of submission.jobIds) failQueuedJobIn(tx, jobId, { code: "slurm_refused", message, permanent: true }, now);
    }
  });
}
