import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { getDb } from "../../db";
import { listReports, listRuns } from "../../db/queries";
import { formatBytes, formatCount } from "../../lib/format";
import { listSweepSummaries } from "../../lib/sweeps";
import { formatAgo, requestTime } from "../components/time";
import { Card, Code, EmptyState, PageHeader, TableHead, tableClass } from "../components/ui";
import { GenerateForm } from "./generate-form";
import { DownloadLinks, scopeText } from "./report-links";

export const metadata: Metadata = { title: "Reports" };

export default async function ReportsPage() {
  await connection();
  const db = getDb();
  const reports = listReports(db);
  const sweeps = listSweepSummaries(db).map((s) => ({ value: String(s.id), label: `#${s.id} ${s.runName}`, hint: `${s.cells} cells · ${s.status}` }));
  const runs = listRuns(db).map((r) => ({ value: r.name, label: r.name, hint: [r.kind, r.params ? `${formatCount(r.params)} params` : null].filter(Boolean).join(" · ") }));
  const now = requestTime();
  return (
    <>
      <PageHeader title="Reports" description="Guideline reports: conclusions drawn from your sweeps, each with its evidence and uncertainty, as HTML, PDF, Markdown and CSV/JSON." />
      <div className="space-y-8">
        <Card title="Generate a report" description="Reads one consistent snapshot. The same data gives the same report (and the same hash): writing it again finds the existing one.">
          <GenerateForm sweeps={sweeps} runs={runs} />
        </Card>
        <Card title="Written reports" padded={false}>
          {reports.length === 0 ? (
            <EmptyState title="No reports yet" icon="▤">
              Generate one above, or from the command line with <Code>pma-lab report --sweep 1 --out report/</Code>.
            </EmptyState>
          ) : (
            <table className={tableClass.table}>
              <TableHead labels={["Report", "Scope", "Written", "Hash", "Size", "Download"]} />
              <tbody>
                {reports.map((report) => (
                  <tr key={report.hash}>
                    <td className={tableClass.tdWrap}>
                      <Link href={`/reports/${report.hash}`} className="text-accent hover:underline">
                        {report.title}
                      </Link>
                    </td>
                    <td className={tableClass.tdWrap}>{scopeText(report.scope)}</td>
                    <td className={tableClass.td} title={report.createdAt}>
                      {formatAgo(report.createdAt, now)}
                    </td>
                    <td className={`${tableClass.td} font-mono text-xs`}>{report.hash.slice(0, 12)}</td>
                    <td className={tableClass.tdNum}>{formatBytes(report.files.reduce((n, f) => n + f.bytes, 0))}</td>
                    <td className={tableClass.td}>
                      <DownloadLinks report={report} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </>
  );
}
