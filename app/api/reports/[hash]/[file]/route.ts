import { getDb } from "../../../../../db";
import { getConfig } from "../../../../../lib/env";
import { refuseUnauthorized } from "../../../../../lib/auth";
import { errorResponse } from "../../../../../lib/http/responses";
import { REPORT_FILE_CSP } from "../../../../../lib/report/csp";
import { readReportFile } from "../../../../../lib/report/service";

export const dynamic = "force-dynamic";

/**
 * GET /api/reports/<hash>/<file>[?download=1] — one file of a written report. Only names recorded for that report
 * are served (never a path); the bytes are content-addressed, so they may be cached for good. Reports are shown
 * inline under a CSP that allows no script, no network and no navigation; `download=1` asks for an attachment.
 */
export async function GET(request: Request, { params }: { params: Promise<{ hash: string; file: string }> }): Promise<Response> {
  const refused = refuseUnauthorized(request);
  if (refused) return refused;
  try {
    const { hash, file } = await params;
    const found = readReportFile(getDb(), getConfig().dataDir, hash, file);
    const download = new URL(request.url).searchParams.get("download") === "1";
    return new Response(new Uint8Array(found.content), {
      headers: {
        "Content-Type": found.contentType,
        "Content-Length": String(found.content.length),
        "Content-Disposition": `${download ? "attachment" : "inline"}; filename="${found.name}"`,
        "Content-Security-Policy": REPORT_FILE_CSP,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=31536000, immutable",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
