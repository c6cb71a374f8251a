import type { SlurmJobView, SlurmTaskView } from "../../../lib/slurm/view";
import { describeSettings } from "../../../lib/slurm/settings";
import { Badge, Card, Code, type Tone } from "../../components/ui";
import { agoMs } from "../format";

const stateTone: Record<string, Tone> = {
  PENDING: "neutral",
  RUNNING: "accent",
  COMPLETED: "ok",
  CANCELLED: "warn",
  PREEMPTED: "warn",
  FAILED: "danger",
  TIMEOUT: "danger",
  OUT_OF_MEMORY: "danger",
  NODE_FAIL: "danger",
};

/** A job on Slurm: where it went (Slurm job id, state, exit), what the submitter made of it, and the batch script. */
export function SlurmCard({ view, now }: { view: SlurmJobView; now: number }) {
  const target = view.target ? describeSettings(view.target) : "";
  return (
    <Card
      title="Slurm"
      description={`Runs on Slurm, asking for ${target || "slurm.json's settings"}; each submission below is one sbatch call`}
      padded={false}
    >
      {view.tasks.length === 0 ? (
        <p className="px-5 py-4 text-sm text-muted">
          Waiting for the submitter to hand it to <Code>sbatch</Code> (it runs as <Code>pma-lab slurm submitter</Code>, or beside <Code>pma-lab serve</Code> when slurm.json exists).
        </p>
      ) : (
        <ol className="divide-y divide-line">
          {view.tasks.map((task, i) => (
            <SlurmTask key={`${task.submissionId}-${task.slurmId}`} task={task} now={now} open={i === 0} />
          ))}
        </ol>
      )}
    </Card>
  );
}

function SlurmTask({ task, now, open }: { task: SlurmTaskView; now: number; open: boolean }) {
  const state = task.state ?? (task.submissionState === "rejected" ? "REFUSED" : task.submissionState === "submitting" ? "SUBMITTING" : "SUBMITTED");
  return (
    <li className="px-5 py-3.5 text-sm">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
        <span className="font-mono text-xs" title={`job name ${task.jobName}`}>
          {task.slurmId ? `Slurm job ${task.slurmId}` : `submission #${task.submissionId}`}
        </span>
        <Badge tone={stateTone[state] ?? (task.submissionState === "rejected" ? "danger" : "neutral")}>{state}</Badge>
        {task.reason ? <span className="text-muted">{task.reason}</span> : null}
        {task.exitCode ? <span className="num text-muted">exit {task.exitCode}</span> : null}
        {task.restarts > 0 ? <span className="num text-muted">restarted {task.restarts}×</span> : null}
        <span className="text-muted">{task.submittedAt ? `submitted ${agoMs(task.submittedAt, now)}` : "not submitted"}</span>
        <span className="text-muted">{describeSettings(task.request)}</span>
      </div>
      {task.message || task.error ? <p className={`mt-1.5 ${task.settled === "failed" || task.submissionState === "rejected" ? "text-danger" : "text-muted"}`}>{task.message ?? task.error}</p> : null}
      <details className="mt-2" open={open}>
        <summary className="cursor-pointer text-xs text-muted select-none">Batch script (submission #{task.submissionId})</summary>
        <pre className="mt-2 max-h-[36rem] overflow-auto rounded-lg bg-subtle px-4 py-3 font-mono text-xs leading-relaxed">{task.script}</pre>
      </details>
    </li>
  );
}
