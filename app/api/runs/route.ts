import { getDb } from "../../../db";
import { listRuns } from "../../../db/queries";

export const dynamic = "force-dynamic";

/** GET /api/runs — every registered run with its checkpoint counts. */
export function GET(): Response {
  return Response.json({ runs: listRuns(getDb()) });
}
