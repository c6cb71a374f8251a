import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { getDb } from "../../db";
import { getConfig } from "../../lib/env";
import { slurmConfigured } from "../../lib/slurm/config";
import { defaultLaunchForm, listLaunchRuns, listSweepSummaries } from "../../lib/sweeps";
import { NoRuns } from "../components/no-runs";
import { Badge, Card, PageHeader, TableHead, tableClass } from "../components/ui";
import { evaluatorOptions } from "./evaluator-options";
import { LaunchForm } from "./launch-form";

export const metadata: Metadata = { title: "Sweeps" };

export default async function SweepsPage() {
  await connection();
  const db = getDb();
  const { runs, defaultRun } = listLaunchRuns(db);
  const sweeps = listSweepSummaries(db);
  const { dataDir } = getConfig();
  const { evaluators, problem } = evaluatorOptions(dataDir);
  return (
    <>
      <PageHeader title="Sweeps" description="Grids of merge cells (scheme × N × V × T), each sweep computed as fused passes over its checkpoints." />
      <div className="space-y-8">
        {runs.length > 0 ? (
          <section aria-labelledby="launch-heading" className="space-y-3">
            <h2 id="launch-heading" className="text-lg font-semibold">
              New sweep
            </h2>
            <LaunchForm runs={runs} initial={defaultLaunchForm(runs.find((run) => run.name === defaultRun))} evaluators={evaluators} evaluatorsProblem={problem} slurm={slurmConfigured(dataDir)} />
          </section>
        ) : (
          <Card>
            <NoRuns />
          </Card>
        )}
        {sweeps.length > 0 ? (
          <Card title="All sweeps" padded={false}>
            <table className={tableClass.table}>
              <TableHead labels={["Sweep", "Run", "Status", "Cells", "Done", "Running", "Queued", "Failed"]} />
              <tbody>
                {sweeps.map((sweep) => (
                  <tr key={sweep.id}>
                    <td className={tableClass.td}>
                      <Link href={`/sweeps/${sweep.id}`} className="text-accent hover:underline">
                        #{sweep.id}
                      </Link>
                    </td>
                    <td className={tableClass.td}>{sweep.runName}</td>
                    <td className={tableClass.td}>
                      <Badge tone={sweep.status === "done" ? "ok" : sweep.status === "failed" ? "danger" : sweep.status === "running" ? "accent" : "neutral"}>{sweep.status}</Badge>
                    </td>
                    {[sweep.cells, sweep.counts.done, sweep.counts.running, sweep.counts.queued, sweep.counts.failed].map((value, i) => (
                      <td key={i} className={`${tableClass.td} num`}>
                        {value}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        ) : null}
      </div>
    </>
  );
}
