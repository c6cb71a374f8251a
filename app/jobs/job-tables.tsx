import Link from "next/link";
import type { JobRow, WorkerRow } from "../../lib/jobs/snapshot";
import { formatBytes } from "../../lib/format";
import { Badge, tableClass, type Tone } from "../components/ui";
import { agoMs, describeProgress, progressFraction } from "./format";
import { JobButton } from "./job-button";

const statusTone: Record<string, Tone> = { queued: "neutral", running: "accent", succeeded: "ok", failed: "danger", cancelled: "warn" };

export function ProgressBar({ fraction }: { fraction: number | null }) {
  return (
    <div className="h-1.5 w-40 overflow-hidden rounded-full bg-subtle" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}>
      <div className={`h-full rounded-full bg-accent transition-[width] ${fraction === null ? "w-1/3 animate-pulse" : ""}`} style={fraction === null ? undefined : { width: `${fraction * 100}%` }} />
    </div>
  );
}

export function JobTable({ rows, now, mode }: { rows: JobRow[]; now: number; mode: "running" | "queued" | "recent" }) {
  return (
    <div className="overflow-x-auto">
      <table className={tableClass.table}>
        <thead>
          <tr>
            <th className={tableClass.th}>Job</th>
            <th className={tableClass.th}>Kind</th>
            <th className={tableClass.th}>What</th>
            <th className={tableClass.th}>{mode === "running" ? "Progress" : mode === "queued" ? "Due" : "Status"}</th>
            <th className={tableClass.th}>Attempts</th>
            <th className={tableClass.th}>{mode === "queued" ? "" : "Worker"}</th>
            <th className={tableClass.th} />
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td className={`${tableClass.td} num`}>
                <Link href={`/jobs/${row.id}`} className="text-accent hover:underline">
                  #{row.id}
                </Link>
              </td>
              <td className={tableClass.td}>
                {row.kind} {row.onSlurm ? <Badge tone="violet">Slurm</Badge> : null}
              </td>
              <td className={`${tableClass.td} max-w-xs truncate text-muted`}>{row.summary}</td>
              <td className={tableClass.td}>{mode === "running" ? <RunningCell row={row} now={now} /> : mode === "queued" ? <DueCell row={row} now={now} /> : <FinishedCell row={row} />}</td>
              <td className={`${tableClass.td} num`}>
                {row.attempts}/{row.maxAttempts}
              </td>
              <td className={`${tableClass.td} text-muted`}>{row.worker ?? ""}</td>
              <td className={`${tableClass.td} text-right`}>
                {row.status === "queued" || row.status === "running" ? <JobButton id={row.id} kind="cancel" /> : null}
                {row.status === "failed" || row.status === "cancelled" ? <JobButton id={row.id} kind="retry" /> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RunningCell({ row, now }: { row: JobRow; now: number }) {
  const expired = row.leaseExpiresAt !== null && row.leaseExpiresAt < now;
  return (
    <div className="space-y-1">
      <ProgressBar fraction={progressFraction(row.progress)} />
      <div className="text-xs text-muted">{expired ? <span className="text-warn">lease expired — will be re-claimed</span> : describeProgress(row.progress)}</div>
    </div>
  );
}

function DueCell({ row, now }: { row: JobRow; now: number }) {
  if (row.runAfter <= now) return <span className="text-muted">{row.onSlurm ? "waiting for Slurm" : "now"}</span>;
  return (
    <span className="text-muted" title={row.lastError?.message}>
      retry in {Math.ceil((row.runAfter - now) / 1000)} s
    </span>
  );
}

function FinishedCell({ row }: { row: JobRow }) {
  return (
    <div className="space-y-0.5">
      <Badge tone={statusTone[row.status]}>{row.status}</Badge>
      {row.status === "failed" && row.lastError ? <div className="max-w-sm truncate text-xs text-danger" title={row.lastError.message}>{row.lastError.message}</div> : null}
    </div>
  );
}

export function WorkerList({ workers, now }: { workers: WorkerRow[]; now: number }) {
  return (
    <ul className="divide-y divide-line">
      {workers.map((worker) => (
        <li key={worker.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3 text-sm">
          <div className="min-w-0">
            <div className="flex items-center gap-2 font-medium">
              <span aria-hidden className={`size-2 rounded-full ${worker.healthy ? "bg-ok" : "bg-warn"}`} />
              {worker.name}
              <Badge tone={worker.mode === "remote" ? "violet" : "neutral"}>{worker.mode}</Badge>
            </div>
            <div className="num mt-0.5 text-xs text-muted">
              {worker.host} · {worker.cpus} cores · {formatBytes(worker.memory)} · {worker.slots.cpu} CPU slot{worker.slots.cpu === 1 ? "" : "s"}
            </div>
          </div>
          <div className="text-right text-xs text-muted">
            <div>{worker.gpus.length === 0 ? "no GPU" : worker.gpus.map((gpu) => `${gpu.index}: ${gpu.name} (${formatBytes(gpu.memory)})`).join(", ")}</div>
            <div className={worker.healthy ? "" : "text-warn"}>heartbeat {agoMs(worker.lastHeartbeat, now)}</div>
          </div>
        </li>
      ))}
    </ul>
  );
}
