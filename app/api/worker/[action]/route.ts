import { refusePublic } from "../../../../lib/auth";
import { getWorkerApiContext } from "../../../../lib/jobs/api/context";
import { handleWorkerApi } from "../../../../lib/jobs/api/handler";

export const dynamic = "force-dynamic";

/**
 * POST /api/worker/<action> — the remote worker API (register, claim, claim-job, heartbeat, progress, log, metrics,
 * publish, complete, fail, release, worker-heartbeat, stop). Bearer worker token required; a stale lease answers 409. All the work
 * happens in lib/jobs/api/handler.ts, which the tests mount on a plain HTTP server too.
 */
export async function POST(request: Request, context: { params: Promise<{ action: string }> }): Promise<Response> {
  const refused = refusePublic(request, "the worker API authenticates every call with a worker token (lib/jobs/api/handler.ts)");
  if (refused) return refused;
  const { action } = await context.params;
  return handleWorkerApi(action, request, getWorkerApiContext());
}
