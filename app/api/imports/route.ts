import { getDb } from "../../../db";
import { handleImportRequest } from "../../../lib/eval/import-api";
import { refuseUnauthorized } from "../../../lib/auth";
import { getConfig } from "../../../lib/env";

export const dynamic = "force-dynamic";

/** POST /api/imports — scores produced elsewhere (lm-eval results or a CSV), as JSON carrying the file's text. */
export async function POST(request: Request): Promise<Response> {
  const refused = refuseUnauthorized(request);
  if (refused) return refused;
  return handleImportRequest(request, { db: getDb(), dataDir: getConfig().dataDir });
}
