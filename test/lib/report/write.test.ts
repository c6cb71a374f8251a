import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { insertEvaluationOnce, insertMetrics, listReports } from "../../../db/queries";
import { writeReport } from "../../../lib/report/write";
import { tempDataDir } from "../jobs/helpers";
import { seedReportData } from "./fixtures";

const noPdf = { printPdf: () => Promise.reject(new Error("no PDF in this test")) };

describe("writing a report", () => {
  it("writes each form under reports/<hash>, records it once, and finds it again instead of duplicating it", async () => {
    const { db, dataDir } = tempDataDir("pma-report-write-");
    const { sweepId } = seedReportData(db);
    const first = await writeReport(db, { sweepIds: [sweepId], formats: ["html", "md", "csv"] }, { dataDir, ...noPdf });
    expect(first.created).toBe(true);
    expect(first.report).toMatchObject({ path: `reports/${first.report.hash}`, formats: ["html", "md", "csv"], scope: { sweepIds: [sweepId], runNames: [] } });
    const onDisk = fs.readdirSync(first.dir).sort();
    expect(first.report.files.map((f) => f.name)).toEqual(onDisk);
    for (const file of first.report.files) expect(fs.statSync(path.join(first.dir, file.name)).size).toBe(file.bytes);
    expect(onDisk).toEqual(expect.arrayContaining(["report.html", "report.md", "report.json", `table-settings-${sweepId}.csv`, `figure-score-tokens-${sweepId}.svg`]));
    expect(onDisk.filter((name) => name.startsWith("recipe-"))).toHaveLength(12);
    // Nothing half-written is left beside it.
    expect(fs.readdirSync(path.join(dataDir, "reports"))).toEqual([first.report.hash]);

    const writtenAt = fs.statSync(path.join(first.dir, "report.html")).mtimeMs;
    const again = await writeReport(db, { sweepIds: [sweepId], formats: ["html"] }, { dataDir, ...noPdf });
    expect(again).toMatchObject({ created: false, report: { hash: first.report.hash } });
    expect(fs.statSync(path.join(first.dir, "report.html")).mtimeMs).toBe(writtenAt);
    expect(listReports(db)).toHaveLength(1);
  });

  it("adds a form the report lacked without a second row, and new data makes a new report", async () => {
    const { db, dataDir } = tempDataDir("pma-report-forms-");
    const { sweepId } = seedReportData(db);
    const html = await writeReport(db, { sweepIds: [sweepId], formats: ["html"] }, { dataDir, ...noPdf });
    expect(html.report.files.map((f) => f.name)).toEqual(["report.html"]);
    const more = await writeReport(db, { sweepIds: [sweepId], formats: ["csv"] }, { dataDir, ...noPdf });
    expect(more).toMatchObject({ created: false, report: { hash: html.report.hash, formats: ["html", "csv"] } });
    expect(more.report.files.map((f) => f.name)).toContain("report.html");
    expect(more.report.files.map((f) => f.name)).toContain("report.json");
    expect(listReports(db)).toHaveLength(1);

    // A new score changes the content, hence the hash: a second, separate report.
    const { evaluation } = insertEvaluationOnce(db, { key: "late", evaluator: "fixture", evaluatorFingerprint: null, origin: "import", target: { checkpointId: 1 }, status: "succeeded", now: 1_800_000_000_000 });
    insertMetrics(db, evaluation.id, [{ name: "acc", value: 0.3, stderr: null, n: 1, higherIsBetter: true }]);
    const changed = await writeReport(db, { sweepIds: [sweepId], formats: ["html"] }, { dataDir, ...noPdf });
    expect(changed.created).toBe(true);
    expect(changed.report.hash).not.toBe(html.report.hash);
    expect(listReports(db)).toHaveLength(2);
  });

  it("refuses an unknown or empty scope before writing anything", async () => {
    const { db, dataDir } = tempDataDir("pma-report-scope-");
    seedReportData(db);
    await expect(writeReport(db, { sweepIds: [99] }, { dataDir, ...noPdf })).rejects.toMatchObject({ code: "sweep_not_found" });
    await expect(writeReport(db, { runNames: ["nope"] }, { dataDir, ...noPdf })).rejects.toMatchObject({ code: "run_not_found" });
    await expect(writeReport(db, {}, { dataDir, ...noPdf })).rejects.toMatchObject({ code: "report_scope_empty" });
    expect(fs.existsSync(path.join(dataDir, "reports"))).toBe(false);
    expect(listReports(db)).toHaveLength(0);
  });

  it("leaves no partial directory when rendering fails", async () => {
    const { db, dataDir } = tempDataDir("pma-report-fail-");
    const { sweepId } = seedReportData(db);
    await expect(writeReport(db, { sweepIds: [sweepId], formats: ["pdf"] }, { dataDir, ...noPdf })).rejects.toThrow("no PDF in this test");
    const root = path.join(dataDir, "reports");
    expect(fs.existsSync(root) ? fs.readdirSync(root) : []).toEqual([]);
    expect(listReports(db)).toHaveLength(0);
  });
});
