import type { CellStatus } from "../../../db/schema";
import { Card, Stat } from "../../components/ui";

/** Status counts and how far the sweep has got: merged cells out of the feasible ones. */
export function SweepSummary({ counts, cells, evaluators }: { counts: Record<CellStatus, number>; cells: number; evaluators: string[] }) {
  const feasible = cells - counts.infeasible;
  const fraction = feasible === 0 ? 0 : counts.done / feasible;
  return (
    <Card>
      <dl className="grid grid-cols-3 gap-6 sm:grid-cols-7">
        <Stat label="Cells" value={cells.toLocaleString("en-US")} />
        <Stat label="Done" value={counts.done.toLocaleString("en-US")} />
        <Stat label="Running" value={counts.running.toLocaleString("en-US")} />
        <Stat label="Queued" value={counts.queued.toLocaleString("en-US")} />
        <Stat label="Failed" value={counts.failed.toLocaleString("en-US")} hint={counts.cancelled ? `${counts.cancelled} cancelled` : undefined} />
        <Stat label="Infeasible" value={counts.infeasible.toLocaleString("en-US")} />
        <Stat label="Evaluators" value={evaluators.length ? evaluators.join(", ") : "none"} />
      </dl>
      <div className="mt-4 flex items-center gap-3">
        <div className="h-2 flex-1 overflow-hidden rounded-full bg-subtle" role="progressbar" aria-label="Merged cells" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
          <div className="h-full rounded-full bg-ok" style={{ width: `${fraction * 100}%` }} />
        </div>
        <span className="num text-xs text-muted">
          {counts.done.toLocaleString("en-US")} of {feasible.toLocaleString("en-US")} feasible cells merged ({Math.round(fraction * 100)}%)
        </span>
      </div>
    </Card>
  );
}
