import { PmaError } from "../errors";

/** Why a worker's token no longer holds the job; every fenced call refuses with this (HTTP 409). */
export type LeaseLostReason = "expired" | "superseded" | "cancelled" | "finished" | "unknown_token" | "released";

export function leaseLost(jobId: number, reason: LeaseLostReason): PmaError {
  const why: Record<LeaseLostReason, string> = {
    expired: "its lease expired",
    superseded: "another attempt holds it now",
    cancelled: "it was cancelled",
    finished: "that attempt already ended",
    unknown_token: "the lease token is not one this server issued for it",
    released: "the lease was handed back",
  };
  return new PmaError("lease_lost", `job #${jobId}: ${why[reason]}; this call changed nothing`, { details: { jobId, reason } });
}

export function isLeaseLost(error: unknown): boolean {
  return error instanceof PmaError && error.code === "lease_lost";
}

export function jobNotFound(jobId: number): PmaError {
  return new PmaError("job_not_found", `no job #${jobId}`);
}
