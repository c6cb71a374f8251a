import { getDb } from "../../../../db";
import { registerCheckpoints } from "../../../../lib/checkpoints/register";
import { registerRequestSchema } from "../../../../lib/checkpoints/register-request";
import { refuseUnauthorized } from "../../../../lib/auth";
import { getConfig } from "../../../../lib/env";
import { errorResponse, refuseCrossSite } from "../../../../lib/http/responses";

export const dynamic = "force-dynamic";

/**
 * POST /api/runs/scan — a training loop calls this after each save to register (or rescan) its run directory.
 * Body: { directory, run, tokensPerStep?, schedule?, branchOf?, forkTokens?, kind?, initFrom? } — initFrom records PMA-init
 * lineage: the recipe hash or merged checkpoint directory the run resumed from. Answers the scan result.
 */
export async function POST(request: Request): Promise<Response> {
  const denied = refuseUnauthorized(request);
  if (denied) return denied;
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: { code: "invalid_json", message: "The body is not valid JSON" } }, { status: 400 });
  }
  const parsed = registerRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return Response.json({ error: { code: "invalid_request", message: `${issue.path.join(".") || "body"}: ${issue.message}` } }, { status: 400 });
  }
  try {
    return Response.json(await registerCheckpoints(getDb(), getConfig(), parsed.data));
  } catch (error) {
    return errorResponse(error);
  }
}
