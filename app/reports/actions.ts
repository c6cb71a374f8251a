"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "../../db";
import { requireAuthorized } from "../../lib/auth";
import { getConfig } from "../../lib/env";
import { describeError, isPmaError } from "../../lib/errors";
import { REPORT_FORMATS } from "../../lib/report/files";
import { generateReport } from "../../lib/report/service";

export interface GenerateState {
  status: "idle" | "error";
  message?: string;
}

const formSchema = z
  .object({
    sweepIds: z.array(z.coerce.number().int().positive()).max(100),
    runNames: z.array(z.string().min(1).max(500)).max(100),
    formats: z.array(z.enum(REPORT_FORMATS)).min(1, "pick at least one form"),
    metric: z.string().trim().max(200).optional(),
    title: z.string().trim().max(300).optional(),
  })
  .refine((value) => value.sweepIds.length + value.runNames.length > 0, { message: "pick at least one sweep or run" });

/** Writes a report of the chosen sweeps and runs (or finds the identical one), then opens it. */
export async function generateReportAction(_previous: GenerateState, formData: FormData): Promise<GenerateState> {
  requireAuthorized(await headers());
  const parsed = formSchema.safeParse({
    sweepIds: formData.getAll("sweep").map(String),
    runNames: formData.getAll("run").map(String),
    formats: formData.getAll("format").map(String),
    metric: String(formData.get("metric") ?? "") || undefined,
    title: String(formData.get("title") ?? "") || undefined,
  });
  if (!parsed.success) return { status: "error", message: parsed.error.issues[0].message };
  let hash: string;
  try {
    hash = (await generateReport(getDb(), getConfig(), parsed.data)).report.hash;
  } catch (error) {
    if (!isPmaError(error)) console.error(error);
    return { status: "error", message: describeError(error) };
  }
  revalidatePath("/reports");
  redirect(`/reports/${hash}`);
}
