import { formatTokens } from "../../../lib/merge/plan/tokens";
import type { BaselineView } from "../../../lib/sweeps/metrics";
import type { GridMetric } from "../../../lib/sweeps/grid/data";
import { tableClass } from "../../components/ui";
import { formatMetric } from "./format";

/** What the deltas are measured against: at each T, the run's latest checkpoint and the annealed branches there. */
export function BaselinesTable({ baselines, metrics }: { baselines: BaselineView[]; metrics: GridMetric[] }) {
  const rows = baselines.flatMap((b) => [
    ...(b.checkpoint ? [{ key: `c${b.checkpoint.id}-${b.point}`, point: b.point, label: `latest checkpoint · step ${b.checkpoint.step.toLocaleString("en-US")}`, metrics: b.checkpoint.metrics }] : []),
    ...b.annealed.map((a, i) => ({ key: `a${a.checkpointId}-${b.point}`, point: b.point, label: `${a.run} (annealed${i === 0 ? ", used for Δ" : ""})`, metrics: a.metrics })),
  ]);
  if (rows.length === 0) return <p className="p-4 text-sm text-muted">No baseline checkpoints at these merge points.</p>;
  return (
    <div className="overflow-x-auto">
      <table className={tableClass.table} data-testid="baselines-table">
        <thead>
          <tr>
            <th className={tableClass.th}>T</th>
            <th className={tableClass.th}>Baseline</th>
            {metrics.map((m) => (
              <th key={m.name} className={tableClass.thNum.replace("uppercase", "normal-case")}>
                {m.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <td className={`${tableClass.td} num`}>{formatTokens(row.point)}</td>
              <td className={`${tableClass.td} text-xs`}>{row.label}</td>
              {metrics.map((m) => {
                const value = row.metrics.find((x) => x.name === m.name);
                return (
                  <td key={m.name} className={tableClass.tdNum}>
                    {value ? (
                      <>
                        {formatMetric(value.value)}
                        {value.stderr !== null ? <span className="text-muted"> ± {formatMetric(value.stderr)}</span> : null}
                      </>
                    ) : (
                      <span className="text-muted">—</span>
                    )}
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
