import { formatTokens } from "../../../lib/merge/plan/tokens";
import { isImprovement, type BaselineView, type CellMetric, type CellView, type MetricValue } from "../../../lib/sweeps";
import { tableClass } from "../../components/ui";

/** 4 significant digits: enough to tell merges apart, short enough for a wide table. */
function formatValue(value: number): string {
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(3) : value.toPrecision(4);
}

function Value({ metric }: { metric: MetricValue }) {
  return (
    <span>
      {formatValue(metric.value)}
      {metric.stderr !== null ? <span className="text-muted"> ± {formatValue(metric.stderr)}</span> : null}
    </span>
  );
}

/** Green when the merge is better than the baseline, red when worse, whatever the metric's direction. */
function Delta({ label, delta, higherIsBetter }: { label: string; delta: number | null; higherIsBetter: boolean | null }) {
  if (delta === null) return null;
  const better = isImprovement(delta, higherIsBetter);
  const tone = better === null ? "text-muted" : better ? "text-ok" : "text-danger";
  return (
    <div className={`text-xs ${tone}`} title={`merged − ${label}`}>
      {delta > 0 ? "+" : ""}
      {formatValue(delta)} vs {label}
    </div>
  );
}

function metricNames(groups: MetricValue[][]): string[] {
  const composite = new Set<string>();
  const names = new Set<string>();
  for (const metric of groups.flat()) (metric.composite ? composite : names).add(metric.name);
  return [...[...names].sort(), ...composite];
}

/** The ablation table: merged cells with each metric (± stderr) and its deltas against the baselines at the same T. */
export function MetricsTable({ cells, baselines }: { cells: CellView[]; baselines: BaselineView[] }) {
  const scored = cells.filter((cell) => cell.metrics.length > 0);
  const names = metricNames([...scored.map((c) => c.metrics), ...baselines.flatMap((b) => [b.checkpoint?.metrics ?? [], ...b.annealed.map((a) => a.metrics)])]);
  if (names.length === 0) return <p className="p-4 text-sm text-muted">No scores yet: evaluations run once each merged model is published.</p>;
  const rows: { key: string; label: string; metrics: (MetricValue | CellMetric)[] }[] = [
    ...baselines.flatMap((b) => [
      ...(b.checkpoint ? [{ key: `c${b.checkpoint.id}-${b.point}`, label: `checkpoint step ${b.checkpoint.step} (T ${formatTokens(b.point)})`, metrics: b.checkpoint.metrics }] : []),
      ...b.annealed.map((a) => ({ key: `a${a.checkpointId}-${b.point}`, label: `${a.run} (annealed, T ${formatTokens(b.point)})`, metrics: a.metrics })),
    ]),
    ...scored.map((cell) => ({ key: `m${cell.id}`, label: `${cell.scheme} N=${cell.n} V=${formatTokens(cell.interval)} T=${formatTokens(cell.point)}`, metrics: cell.metrics })),
  ];
  return (
    <div className="overflow-x-auto">
      <table className={tableClass.table}>
        <thead>
          <tr>
            <th className={tableClass.th}>Model</th>
            {names.map((name) => (
              <th key={name} className={tableClass.thNum}>{name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <td className={`${tableClass.td} font-mono text-xs`}>{row.label}</td>
              {names.map((name) => {
                const metric = row.metrics.find((m) => m.name === name);
                return (
                  <td key={name} className={tableClass.tdNum}>
                    {metric ? <Value metric={metric} /> : <span className="text-muted">—</span>}
                    {metric && "deltaVsCheckpoint" in metric ? (
                      <>
                        <Delta label="checkpoint" delta={metric.deltaVsCheckpoint} higherIsBetter={metric.higherIsBetter} />
                        <Delta label="annealed" delta={metric.deltaVsAnnealed} higherIsBetter={metric.higherIsBetter} />
                      </>
                    ) : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
