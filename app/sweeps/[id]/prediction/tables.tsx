import Link from "next/link";
import { configKey, type Agreement, type ConfigAgreement, type MergeConfig, type Prediction } from "../../../../lib/analysis";
import { formatCorrelation, formatMetric, formatSigned, formatWithStderr } from "../../../../lib/charts/format";
import { formatCount } from "../../../../lib/format";
import { runHref } from "../../../components/run-href";
import { tableClass } from "../../../components/ui";

/** The prediction page's tables: agreement summary, one row per fork point, what is missing, every configuration. */

/** Greek letters stay lower-case under the header's upper-case style (an upper-case ρ reads as P). */
function StatHeads() {
  const greek = (letter: string) => <span className="normal-case">{letter}</span>;
  const heads = [["Forks"], ["Mean |error|"], ["Max |error|"], ["Mean error"], ["Spearman ", greek("ρ")], ["Kendall ", greek("τ")]];
  return (
    <>
      {heads.map(([text, letter]) => (
        <th key={String(text)} className={tableClass.thNum}>
          {text}
          {letter}
        </th>
      ))}
    </>
  );
}

function yesNo(value: boolean | null): string {
  return value === null ? "—" : value ? "yes" : "no";
}

function AgreementRow({ label, agreement }: { label: string; agreement: Agreement }) {
  return (
    <tr>
      <td className={tableClass.td}>{label}</td>
      <td className={tableClass.tdNum}>{agreement.forks}</td>
      <td className={tableClass.tdNum}>{formatMetric(agreement.meanAbsError)}</td>
      <td className={tableClass.tdNum}>{formatMetric(agreement.maxAbsError)}</td>
      <td className={tableClass.tdNum}>{formatSigned(agreement.meanError)}</td>
      <td className={tableClass.tdNum}>{formatCorrelation(agreement.spearman)}</td>
      <td className={tableClass.tdNum}>{formatCorrelation(agreement.kendall)}</td>
      <td className={tableClass.tdNum}>{yesNo(agreement.bestAgrees)}</td>
    </tr>
  );
}

export function AgreementTable({ prediction }: { prediction: Prediction }) {
  return (
    <div className="overflow-x-auto">
      <table className={tableClass.table} data-testid="agreement-table">
        <thead>
          <tr>
            <th className={tableClass.th}>Predictor</th>
            <StatHeads />
            <th className={tableClass.thNum}>Same best fork</th>
          </tr>
        </thead>
        <tbody>
          <AgreementRow label="PMA merge at T" agreement={prediction.merged} />
          <AgreementRow label="latest checkpoint at T" agreement={prediction.latest} />
        </tbody>
      </table>
      {prediction.merged.forks < 3 ? (
        <p className="px-5 py-2.5 text-xs text-muted">Rank agreement needs at least two fork points and means little below three; fork more annealed branches for a firmer answer.</p>
      ) : null}
    </div>
  );
}

export function ForkTable({ prediction }: { prediction: Prediction }) {
  if (prediction.rows.length === 0) return <p className="px-5 py-4 text-sm text-muted">No fork point can be compared yet (see below).</p>;
  return (
    <div className="overflow-x-auto">
      <table className={tableClass.table} data-testid="prediction-table">
        <thead>
          <tr>
            <th className={tableClass.thNum}>Fork T</th>
            <th className={tableClass.th}>Annealed branch</th>
            {["Annealed to", "Annealed (final)", "PMA merge at T", "Error", "Latest at T", "Its error"].map((label) => (
              <th key={label} className={tableClass.thNum}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {prediction.rows.map((row) => (
            <tr key={row.branch} data-fork={row.fork}>
              <td className={tableClass.tdNum}>{formatCount(row.fork)}</td>
              <td className={tableClass.td}>
                <Link href={runHref(row.branch)} className="text-accent hover:underline">{row.branch}</Link>
              </td>
              <td className={tableClass.tdNum}>{formatCount(row.annealedTokens)}</td>
              <td className={tableClass.tdNum} data-value="annealed">{formatWithStderr(row.annealed.value, row.annealed.stderr)}</td>
              <td className={tableClass.tdNum} data-value="merged">{formatWithStderr(row.merged.value, row.merged.stderr)}</td>
              <td className={tableClass.tdNum} data-value="error">{formatSigned(row.error)}</td>
              <td className={tableClass.tdNum}>{row.latest ? formatWithStderr(row.latest.value, row.latest.stderr) : "—"}</td>
              <td className={tableClass.tdNum}>{formatSigned(row.latestError)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MissingForks({ prediction }: { prediction: Prediction }) {
  if (prediction.missing.length === 0) return null;
  return (
    <div className="border-t border-line px-5 py-3 text-sm" data-testid="missing-forks">
      <p className="font-medium">Not compared</p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5 text-muted">
        {prediction.missing.map((m) => (
          <li key={m.branch}>
            T = {formatCount(m.fork)} ({m.branch}): {m.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ConfigTable({ rows, selected, metric }: { rows: ConfigAgreement[]; selected: MergeConfig; metric: string }) {
  const href = (c: MergeConfig) => `?${new URLSearchParams({ metric, scheme: c.scheme, n: String(c.n), v: String(c.interval) })}`;
  return (
    <div className="overflow-x-auto">
      <table className={tableClass.table} data-testid="config-table">
        <thead>
          <tr>
            <th className={tableClass.th}>Configuration</th>
            <StatHeads />
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} className={row.key === configKey(selected) ? "bg-accent-soft/60" : undefined}>
              <td className={tableClass.td}>
                <Link href={href(row.config)} scroll={false} className="text-accent hover:underline">{row.label}</Link>
              </td>
              <td className={tableClass.tdNum}>{row.forks}</td>
              <td className={tableClass.tdNum}>{formatMetric(row.meanAbsError)}</td>
              <td className={tableClass.tdNum}>{formatMetric(row.maxAbsError)}</td>
              <td className={tableClass.tdNum}>{formatSigned(row.meanError)}</td>
              <td className={tableClass.tdNum}>{formatCorrelation(row.spearman)}</td>
              <td className={tableClass.tdNum}>{formatCorrelation(row.kendall)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
