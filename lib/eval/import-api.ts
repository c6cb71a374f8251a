import { z } from "zod";
import type { Db } from "../../db/client";
import { errorResponse, refuseCrossSite } from "../http/responses";
import { importLmEvalResults, importMetricsCsv } from "./imports";

/**
 * POST /api/imports, outside Next so tests drive it with plain Requests. A JSON body carries the file's text
 * (the upload form reads the file in the browser): same-origin only, at most MAX_IMPORT_BODY_BYTES — an lm-eval
 * results file with per-sample config is ~100 KB, a CSV of a whole sweep less; 8 MiB leaves room and bounds memory.
 *
 *   {"format": "lm-eval", "name": "results_….json", "content": "…", "checkpoint": "/ckpt/main/step-4000"}
 *   {"format": "lm-eval", "name": "…", "content": "…", "run": "main", "step": 4000}
 *   {"format": "csv", "name": "scores.csv", "content": "run,step,metric,value,stderr,n\n…"}
 */
export const MAX_IMPORT_BODY_BYTES = 8 * 1024 * 1024;

const fileFields = { name: z.string().min(1).max(255), content: z.string().min(1) };
const lmEvalRequest = z
  .object({
    format: z.literal("lm-eval"),
    ...fileFields,
    checkpoint: z.string().min(1).max(4096).optional(),
    run: z.string().min(1).max(200).optional(),
    step: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((body) => (body.checkpoint !== undefined) !== (body.run !== undefined && body.step !== undefined), "name the checkpoint: checkpoint, or run and step");
export const importRequestSchema = z.discriminatedUnion("format", [lmEvalRequest, z.object({ format: z.literal("csv"), ...fileFields }).strict()]);
export type ImportRequest = z.infer<typeof importRequestSchema>;

function refusal(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/** Reads at most `limit` bytes of the body; null when it is larger (the rest is not read). */
async function readLimited(request: Request, limit: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return null;
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Runs one import; a duplicate file answers 200 with `duplicate: true` on each evaluation and changes nothing. */
export function runImport(db: Db, dataDir: string, body: ImportRequest) {
  const file = { name: body.name, bytes: Buffer.from(body.content, "utf8") };
  if (body.format === "csv") return importMetricsCsv(db, dataDir, file);
  const ref = body.checkpoint !== undefined ? { checkpoint: body.checkpoint } : { run: body.run!, step: body.step! };
  return { imported: importLmEvalResults(db, dataDir, [file], ref), warnings: [] as string[] };
}

export async function handleImportRequest(request: Request, deps: { db: Db; dataDir: string }): Promise<Response> {
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  const text = await readLimited(request, MAX_IMPORT_BODY_BYTES);
  if (text === null) return refusal(413, "payload_too_large", `The body is larger than ${MAX_IMPORT_BODY_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return refusal(400, "invalid_json", "The body is not valid JSON");
  }
  const parsed = importRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refusal(400, "invalid_request", `${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  try {
    return Response.json(runImport(deps.db, deps.dataDir, parsed.data));
  } catch (error) {
    return errorResponse(error);
  }
}
