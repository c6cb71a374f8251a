"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "../../db";
import { findRunByName } from "../../db/queries";
import { requireAuthorized } from "../../lib/auth";
import { getConfig } from "../../lib/env";
import { describeError, isPmaError } from "../../lib/errors";
import { cancelSweepCells, createSweep, parseGridText, previewSweep, retrySweepCells, type SweepPreview } from "../../lib/sweeps";

export interface LaunchState {
  status: "idle" | "preview" | "error";
  message?: string;
  preview?: SweepPreview;
  values?: Record<string, string>;
}

const formSchema = z.object({
  run: z.string().trim().min(1, "pick a run"),
  points: z.string().trim().min(1, "at least one merge point"),
  n: z.string().trim().min(1, "at least one N"),
  interval: z.string().trim().min(1, "at least one interval"),
  schemes: z.string().trim().min(1, "at least one scheme"),
  keep: z.string().optional(),
  intent: z.enum(["preview", "launch"]),
});

/** Preview (nothing stored) or launch (one transaction, then off to the sweep's page). */
export async function launchSweepAction(_previous: LaunchState, formData: FormData): Promise<LaunchState> {
  requireAuthorized(await headers());
  const values = Object.fromEntries([...formData.entries()].filter(([key]) => !key.startsWith("$")).map(([key, value]) => [key, String(value)]));
  const parsed = formSchema.safeParse(values);
  if (!parsed.success) return { status: "error", message: parsed.error.issues[0].message, values };
  let id: number;
  try {
    const db = getDb();
    const run = findRunByName(db, parsed.data.run);
    const request = { run: parsed.data.run, ...parseGridText(parsed.data, run?.tokensPerStep ?? null), keep: parsed.data.keep === "on" };
    const deps = { dataDir: getConfig().dataDir };
    if (parsed.data.intent === "preview") return { status: "preview", preview: previewSweep(db, request, deps), values };
    id = createSweep(db, request, deps).id;
  } catch (error) {
    if (!isPmaError(error)) console.error(error);
    return { status: "error", message: describeError(error), values };
  }
  revalidatePath("/sweeps");
  redirect(`/sweeps/${id}`);
}

const idSchema = z.coerce.number().int().positive();

export async function cancelSweepAction(formData: FormData): Promise<void> {
  requireAuthorized(await headers());
  const id = idSchema.parse(formData.get("id"));
  cancelSweepCells(getDb(), id);
  revalidatePath(`/sweeps/${id}`);
}

export async function retrySweepAction(formData: FormData): Promise<void> {
  requireAuthorized(await headers());
  const id = idSchema.parse(formData.get("id"));
  retrySweepCells(getDb(), id, undefined, { dataDir: getConfig().dataDir });
  revalidatePath(`/sweeps/${id}`);
}
