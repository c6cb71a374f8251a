import { getDb } from "../../../db";
import { handleImportRequest } from "../../../lib/eval/import-api";
import { getConfig } from "../../../lib/env";

export const dynamic = "force-dynamic";

/** POST /api/imports — scores produced elsewhere (lm-eval results or a CSV), as JSON carrying the file's text. */
export function POST(request: Request): Promise<Response> {
  return handleImportRequest(request, { db: getDb(), dataDir: getConfig().dataDir });
}
