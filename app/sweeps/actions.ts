"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { getDb } from "../../db";
import { listCells } from "../../db/queries";
import { requireAuthorized } from "../../lib/auth";
import { getConfig } from "../../lib/env";
import { describeError, isPmaError } from "../../lib/errors";
import {
  appendFromForm,
  cancelSweepCells,
  errorField,
  launchFromForm,
  parseLaunchForm,
  previewLaunch,
  retrySweepCells,
  type LaunchField,
  type LaunchPreview,
} from "../../lib/sweeps";

export type Refusal = { ok: false; message: string; field: LaunchField | null };
export type PreviewResult = { ok: true; preview: LaunchPreview } | Refusal;
export type LaunchResult = { ok: true; sweepId: number; cells: number } | Refusal;

const idSchema = z.coerce.number().int().positive();

function refuse(error: unknown): Refusal {
  if (!isPmaError(error)) console.error(error);
  return { ok: false, message: isPmaError(error) ? error.message : describeError(error), field: errorField(error) };
}

/** The launcher's live preview (nothing stored); with a sweep id, what appending would add to that sweep. */
export async function previewLaunchAction(input: unknown, sweepId?: number): Promise<PreviewResult> {
  requireAuthorized(await headers());
  try {
    const form = parseLaunchForm(input);
    const options = sweepId === undefined ? {} : { sweepId: idSchema.parse(sweepId) };
    return { ok: true, preview: previewLaunch(getDb(), form, { dataDir: getConfig().dataDir }, options) };
  } catch (error) {
    return refuse(error);
  }
}

/** Stores and enqueues the sweep in one transaction; the client then opens its page. */
export async function launchSweepAction(input: unknown): Promise<LaunchResult> {
  requireAuthorized(await headers());
  try {
    const created = launchFromForm(getDb(), parseLaunchForm(input), { dataDir: getConfig().dataDir });
    revalidatePath("/sweeps");
    return { ok: true, sweepId: created.id, cells: created.cells.length };
  } catch (error) {
    return refuse(error);
  }
}

/** Adds the form's cells that the sweep lacks, over the sweep's own run. */
export async function appendCellsAction(sweepId: number, input: unknown): Promise<LaunchResult> {
  requireAuthorized(await headers());
  try {
    const id = idSchema.parse(sweepId);
    const before = listCells(getDb(), id).length;
    const updated = appendFromForm(getDb(), id, parseLaunchForm(input), { dataDir: getConfig().dataDir });
    revalidatePath(`/sweeps/${id}`);
    revalidatePath("/sweeps");
    return { ok: true, sweepId: id, cells: updated.cells.length - before };
  } catch (error) {
    return refuse(error);
  }
}

/** Re-runs the sweep's failed and cancelled cells (and failed evaluations): one button on the sweep page. */
export async function retryFailedCellsAction(sweepId: number): Promise<{ ok: true; retried: number } | Refusal> {
  requireAuthorized(await headers());
  try {
    const id = idSchema.parse(sweepId);
    const { retried } = retrySweepCells(getDb(), id, undefined, { dataDir: getConfig().dataDir });
    revalidatePath(`/sweeps/${id}`);
    return { ok: true, retried };
  } catch (error) {
    return refuse(error);
  }
}

export async function cancelSweepAction(formData: FormData): Promise<void> {
  requireAuthorized(await headers());
  const id = idSchema.parse(formData.get("id"));
  cancelSweepCells(getDb(), id);
  revalidatePath(`/sweeps/${id}`);
}

