"use server";

import { headers } from "next/headers";
import { getDb } from "../../../db";
import { findRunByName } from "../../../db/queries";
import { requireAuthorized } from "../../../lib/auth";
import { runScan } from "../../components/scan-action";
import type { ScanActionState } from "../../components/scan-state";

/** Rescans the run's stored directory; the run keeps its stored tokens per step, schedule and branch. */
export async function rescanRun(_previous: ScanActionState, formData: FormData): Promise<ScanActionState> {
  requireAuthorized(await headers());
  const name = String(formData.get("run") ?? "");
  const run = findRunByName(getDb(), name);
  if (!run) return { status: "error", message: `Run "${name}" no longer exists.`, code: "run_not_found" };
  if (!run.directory) return { status: "error", message: "This run has no stored directory to rescan.", code: "no_directory" };
  return runScan({ directory: run.directory, run: run.name });
}
