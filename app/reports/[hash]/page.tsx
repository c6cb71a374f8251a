import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getDb } from "../../../db";
import { findReportByHash } from "../../../db/queries";
import { formatBytes } from "../../../lib/format";
import { formatAgo, requestTime } from "../../components/time";
import { Badge, Card, PageHeader, tableClass } from "../../components/ui";
import { DownloadLinks, fileHref, scopeText } from "../report-links";

type Props = { params: Promise<{ hash: string }> };

async function load(params: Props["params"]) {
  const { hash } = await params;
  return /^[0-9a-f]{64}$/.test(hash) ? findReportByHash(getDb(), hash) : undefined;
}

export async function generateMetadata({ params }: Props) {
  return { title: (await load(params))?.title ?? "Report" };
}

/** One report: its HTML shown in a sandboxed frame (no scripts, no network), and every file for download. */
export default async function ReportPage({ params }: Props) {
  await connection();
  const report = await load(params);
  if (!report) notFound();
  const groups = [
    { label: "Figures (SVG)", files: report.files.filter((f) => f.name.startsWith("figure-")) },
    { label: "Tables (CSV)", files: report.files.filter((f) => f.name.startsWith("table-")) },
    { label: "Recipes (mergekit YAML)", files: report.files.filter((f) => f.name.startsWith("recipe-")) },
  ].filter((g) => g.files.length > 0);
  const hasHtml = report.files.some((f) => f.name === "report.html");
  return (
    <div className="space-y-6">
      <PageHeader
        eyebrow={
          <>
            <Link href="/reports" className="hover:underline">
              Reports
            </Link>{" "}
            / <span className="font-mono">{report.hash.slice(0, 12)}</span>
          </>
        }
        title={report.title}
        description={
          <span className="flex flex-wrap items-center gap-2">
            {scopeText(report.scope)} · written {formatAgo(report.createdAt, requestTime())} ·{" "}
            {report.formats.map((f) => (
              <Badge key={f}>{f}</Badge>
            ))}
          </span>
        }
        actions={<DownloadLinks report={report} />}
      />
      {hasHtml ? (
        <iframe title={report.title} src={fileHref(report.hash, "report.html")} sandbox="" className="h-[80vh] w-full rounded-xl border border-line bg-white" />
      ) : (
        <Card>
          <p className="text-sm text-muted">This report was written without its HTML form; download the other forms below.</p>
        </Card>
      )}
      {groups.length > 0 ? (
        <Card title="Every file" description={`${report.files.length} files, ${formatBytes(report.files.reduce((n, f) => n + f.bytes, 0))}; content hash ${report.hash}`}>
          <div className="space-y-2">
            {groups.map((group) => (
              <details key={group.label}>
                <summary className="cursor-pointer text-sm font-medium">
                  {group.label} <span className="text-muted">({group.files.length})</span>
                </summary>
                <ul className={`${tableClass.table} mt-2 columns-1 sm:columns-2`}>
                  {group.files.map((file) => (
                    <li key={file.name} className="flex justify-between gap-3 py-0.5 text-sm">
                      <a href={fileHref(report.hash, file.name, true)} className="truncate font-mono text-xs text-accent hover:underline">
                        {file.name}
                      </a>
                      <span className="num shrink-0 text-xs text-muted">{formatBytes(file.bytes)}</span>
                    </li>
                  ))}
                </ul>
              </details>
            ))}
          </div>
        </Card>
      ) : null}
    </div>
  );
}
