import { getDb } from "../../../../../db";
import { refuseUnauthorized } from "../../../../../lib/auth";
import { getConfig } from "../../../../../lib/env";
import { PmaError } from "../../../../../lib/errors";
import { writeCsv } from "../../../../../lib/export/csv";
import { errorResponse } from "../../../../../lib/http/responses";
import { exportGridObjects, exportGridTable, loadGridData, readGridState } from "../../../../../lib/sweeps/grid";

export const dynamic = "force-dynamic";

/**
 * GET /api/sweeps/:id/grid?format=csv|json&… — the grid's current table view (the page's own URL state: filters,
 * search, sort, hidden columns) as a download, every matching row rather than one page.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const refused = refuseUnauthorized(request);
  if (refused) return refused;
  try {
    const { id } = await params;
    if (!/^\d+$/.test(id)) throw new PmaError("sweep_not_found", `no sweep #${id}`);
    const query = new URL(request.url).searchParams;
    const format = query.get("format") ?? "csv";
    if (format !== "csv" && format !== "json") throw new PmaError("invalid_format", `format: expected csv or json, got "${format}"`);
    const data = loadGridData(getDb(), Number(id), getConfig().dataDir);
    const state = readGridState(query);
    const table = exportGridTable(data, state);
    const name = `sweep-${data.sweepId}-grid.${format}`;
    const headers = { "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" };
    if (format === "json") {
      return Response.json({ sweep: data.sweepId, run: data.run, columns: table.header, rows: exportGridObjects(table) }, { headers });
    }
    return new Response(writeCsv(table.header, table.rows), { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
  } catch (error) {
    return errorResponse(error);
  }
}
