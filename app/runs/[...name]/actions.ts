"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "../../../db";
import { findRunByName } from "../../../db/queries";
import { requireAuthorized } from "../../../lib/auth";
import { getConfig } from "../../../lib/env";
import { describeError, isPmaError } from "../../../lib/errors";
import { startPmaInit, type PmaInitStarted } from "../../../lib/init/start";
import { schemeSpecSchema } from "../../../lib/merge/weights";
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

const initSchema = z.object({
  run: z.string().min(1).max(200),
  target: z.union([z.object({ spike: z.number().int().positive() }), z.object({ tokens: z.number().int().min(0) })]),
  k: z.number().int().positive(),
  scheme: schemeSpecSchema,
});

export type StartInitResult = { ok: true; status: PmaInitStarted["status"]; jobId: number | null; path: string } | { ok: false; message: string };

/** Plans the PMA-init on the server (from the run's own rows, not the client's) and queues it. */
export async function startPmaInitAction(input: unknown): Promise<StartInitResult> {
  requireAuthorized(await headers());
  const parsed = initSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: `${parsed.error.issues[0].path.join(".") || "request"}: ${parsed.error.issues[0].message}` };
  try {
    const started = startPmaInit(getDb(), parsed.data, { dataDir: getConfig().dataDir });
    revalidatePath("/runs", "layout");
    return { ok: true, status: started.status, jobId: started.jobId, path: started.path };
  } catch (error) {
    if (!isPmaError(error)) console.error(error);
    return { ok: false, message: isPmaError(error) ? error.message : describeError(error) };
  }
}
