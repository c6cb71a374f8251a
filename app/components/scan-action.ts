import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "../../db";
import { registerCheckpoints } from "../../lib/checkpoints/register";
import { registerRequestSchema } from "../../lib/checkpoints/register-request";
import { getConfig } from "../../lib/env";
import { describeError, isPmaError } from "../../lib/errors";
import type { ScanActionState } from "./scan-state";

/**
 * The body both scan actions share: validate with the shared schema, register, revalidate, and turn a
 * refusal into a message the form can show. Blank form fields count as "not given".
 */
export async function runScan(input: Record<string, string>): Promise<ScanActionState> {
  const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value.trim() !== ""));
  const parsed = registerRequestSchema.safeParse(given);
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(
      Object.entries(z.flattenError(parsed.error).fieldErrors).map(([field, messages]) => [field, (messages as string[])[0]]),
    );
    return { status: "error", message: "Some fields need attention.", fieldErrors, values: input };
  }
  try {
    const result = await registerCheckpoints(getDb(), getConfig(), parsed.data);
    revalidatePath("/", "layout");
    return { status: "ok", result, values: input };
  } catch (error) {
    if (isPmaError(error)) return { status: "error", message: error.message, code: error.code, values: input };
    console.error(error);
    return { status: "error", message: describeError(error), values: input };
  }
}
