"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { getDb } from "../../db";
import { requireAuthorized } from "../../lib/auth";
import { describeError } from "../../lib/errors";
import { cancelJob, retryJob } from "../../lib/jobs/queue";

export interface JobActionState {
  status: "idle" | "ok" | "error";
  message?: string;
}

const idSchema = z.coerce.number().int().positive();

async function run(formData: FormData, change: (id: number) => { status: string }): Promise<JobActionState> {
  const parsed = idSchema.safeParse(formData.get("id"));
  if (!parsed.success) return { status: "error", message: "No such job" };
  try {
    const job = change(parsed.data);
    revalidatePath("/jobs");
    return { status: "ok", message: `job #${parsed.data} is ${job.status}` };
  } catch (error) {
    return { status: "error", message: describeError(error) };
  }
}

/** Cancels a queued or running job; its worker is refused at its next call and cleans up. */
export async function cancelJobAction(_previous: JobActionState, formData: FormData): Promise<JobActionState> {
  requireAuthorized(await headers());
  return run(formData, (id) => cancelJob(getDb(), id));
}

/** Puts a failed or cancelled job back in the queue with a fresh attempt budget. */
export async function retryJobAction(_previous: JobActionState, formData: FormData): Promise<JobActionState> {
  requireAuthorized(await headers());
  return run(formData, (id) => retryJob(getDb(), id));
}
