"use server";

import { headers } from "next/headers";
import { requireAuthorized } from "../../lib/auth";
import { runScan } from "../components/scan-action";
import type { ScanActionState } from "../components/scan-state";
import { registerFields } from "./fields";

/** Registers (or rescans) a checkpoint directory from the form; validation is the shared zod schema. */
export async function registerAction(_previous: ScanActionState, formData: FormData): Promise<ScanActionState> {
  requireAuthorized(await headers());
  const input = Object.fromEntries(registerFields.map((field) => [field, String(formData.get(field) ?? "")]));
  return runScan(input);
}
