import { getDb } from "../../../db";
import { listRuns } from "../../../db/queries";
import { refuseUnauthorized } from "../../../lib/auth";

export const dynamic = "force-dynamic";

/** GET /api/runs — every registered run with its checkpoint counts. */
export function GET(request: Request): Response {
  const refused = refuseUnauthorized(request);
  if (refused) return refused;
  return Response.json({ runs: listRuns(getDb()) });
}
