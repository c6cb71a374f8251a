import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { makeTempDir } from "../helpers/checkpoint-fixtures";
import { seedReportData } from "../lib/report/fixtures";

const base = makeTempDir("pma-api-reports-");
process.env.PMA_LAB_DATA_DIR = path.join(base, "data");

const { GET } = await import("../../app/api/reports/[hash]/[file]/route");
const { writeReport } = await import("../../lib/report/write");

let hash = "";

function get(hashParam: string, file: string, options: { query?: string; origin?: string } = {}) {
  const headers: Record<string, string> = { host: "127.0.0.1:3000" };
  if (options.origin) headers.origin = options.origin;
  const request = new Request(`http://127.0.0.1:3000/api/reports/x/y${options.query ?? ""}`, { headers });
  return GET(request, { params: Promise.resolve({ hash: hashParam, file }) });
}

beforeAll(async () => {
  const dataDir = path.join(base, "data");
  const db = openDatabase(path.join(dataDir, "pma-lab.sqlite"));
  const { sweepId } = seedReportData(db);
  const written = await writeReport(db, { sweepIds: [sweepId], formats: ["html", "md", "csv"] }, { dataDir, printPdf: () => Promise.reject(new Error("no PDF here")) });
  hash = written.report.hash;
  // A recorded file swapped for a symlink after the fact must not be followed.
  const md = path.join(written.dir, "report.md");
  fs.rmSync(md);
  fs.symlinkSync(path.join(dataDir, "pma-lab.sqlite"), md);
  db.$client.close();
});

describe("GET /api/reports/<hash>/<file>", () => {
  it("serves a recorded file inline under a CSP that allows no script, network or navigation", async () => {
    const response = await get(hash, "report.html");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toMatch(/^default-src 'none'; .*; sandbox; frame-ancestors 'self'$/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-disposition")).toBe('inline; filename="report.html"');
    expect(await response.text()).toContain("<!doctype html>");
    const csv = await get(hash, "table-settings-1.csv", { query: "?download=1" });
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="table-settings-1.csv"');
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
  });

  it.each([
    "../pma-lab.sqlite",
    "..%2Fpma-lab.sqlite",
    "%2e%2e%2fpma-lab.sqlite",
    "report.html/../../pma-lab.sqlite",
    "..\\pma-lab.sqlite",
    "/etc/passwd",
    "file:///etc/passwd",
    "report.html\0",
    "REPORT.HTML",
    "report.pdf",
    "figure-nope.svg",
    "x".repeat(5000),
  ])("answers 404 for a name that is not a recorded file: %s", async (file) => {
    const response = await get(hash, file);
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe("report_file_not_found");
  });

  it("does not follow a recorded file that became a symlink", async () => {
    const response = await get(hash, "report.md");
    expect(response.status).toBe(404);
  });

  it.each(["../../etc", "ABC", "0".repeat(64), `${"0".repeat(63)}/`, ""])("answers 404 for a hash that is no report: %s", async (bad) => {
    const response = await get(bad, "report.html");
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe("report_not_found");
  });

  it("refuses cross-origin requests", async () => {
    expect((await get(hash, "report.html", { origin: "http://evil.example" })).status).toBe(403);
  });
});
