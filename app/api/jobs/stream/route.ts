import { getDb } from "../../../../db";
import { refuseUnauthorized } from "../../../../lib/auth";
import { getConfig } from "../../../../lib/env";
import { refuseCrossSite } from "../../../../lib/http/responses";
import { jobsSnapshot } from "../../../../lib/jobs/snapshot";
import { createSnapshotStream } from "../../../../lib/jobs/stream";

export const dynamic = "force-dynamic";

/**
 * GET /api/jobs/stream — live queue, running jobs (progress: bytes, rate, ETA, phase), workers and disk, as
 * server-sent events. `?format=json` answers one snapshot instead, for clients that poll. Read-only.
 */
export function GET(request: Request): Response {
  const denied = refuseUnauthorized(request);
  if (denied) return denied;
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  const db = getDb();
  const { dataDir } = getConfig();
  if (new URL(request.url).searchParams.get("format") === "json") return Response.json(jobsSnapshot(db, { dataDir }));
  return new Response(createSnapshotStream(db, dataDir, request.signal), {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
