import type { Db } from "../../db/client";
import { findSubmission, findSubmissionByToken, findWorkerTokenById, revokeWorkerToken, submissionHasJob } from "../../db/queries";
import { PmaError } from "../errors";

/**
 * A submission's worker token is scoped: it may register workers and run the jobs of its own tasks, claimed by id
 * (`worker --job ID`), nothing else. It is revoked once every task has ended, so a copy of the job that Slurm
 * starts later is refused at the door.
 */

/** Throws `forbidden` unless the token may claim: any job for an ordinary worker token, its own for a submission's. */
export function checkClaimScope(db: Db, tokenId: number, jobId: number | null): void {
  const submission = findSubmissionByToken(db, tokenId);
  if (!submission) return;
  if (jobId === null) throw new PmaError("forbidden", `this token belongs to Slurm submission #${submission.id}: it claims only its own jobs, by id`);
  if (!submissionHasJob(db, submission.id, jobId)) throw new PmaError("forbidden", `job #${jobId} is not part of Slurm submission #${submission.id}`);
}

/** A job on Slurm is claimed by its submission's worker, or a local one; an ordinary remote worker may not. */
export function isSubmissionToken(db: Db, tokenId: number): boolean {
  return Boolean(findSubmissionByToken(db, tokenId));
}

export function revokeSubmissionToken(tx: Db, submissionId: number): void {
  const submission = findSubmission(tx, submissionId);
  const token = submission?.tokenId ? findWorkerTokenById(tx, submission.tokenId) : undefined;
  if (token && !token.revokedAt) revokeWorkerToken(tx, token.name);
}
