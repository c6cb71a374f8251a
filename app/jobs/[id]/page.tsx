import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getDb } from "../../../db";
import { findJobById, listAttempts } from "../../../db/queries";
import { getConfig } from "../../../lib/env";
import { readLogTail } from "../../../lib/jobs/logs";
import { summarizeJob } from "../../../lib/jobs/snapshot";
import { describeSlurmJob } from "../../../lib/slurm/view";
import { requestTime } from "../../components/time";
import { Badge, Card, PageHeader } from "../../components/ui";
import { agoMs, describeProgress, progressFraction } from "../format";
import { JobButton } from "../job-button";
import { ProgressBar } from "../job-tables";
import { SlurmCard } from "./slurm-card";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  if (!/^\d+$/.test(id)) notFound();
  const db = getDb();
  const job = findJobById(db, Number(id));
  if (!job) notFound();
  const attempts = listAttempts(db, job.id).reverse();
  const slurm = describeSlurmJob(db, job.id);
  const { dataDir } = getConfig();
  const now = requestTime();
  return (
    <>
      <PageHeader
        eyebrow={<Link href="/jobs" className="hover:underline">← Jobs</Link>}
        title={`Job #${job.id} · ${job.kind}`}
        description={summarizeJob(job)}
        actions={
          job.status === "queued" || job.status === "running" ? <JobButton id={job.id} kind="cancel" /> : job.status === "failed" || job.status === "cancelled" ? <JobButton id={job.id} kind="retry" /> : null
        }
      />
      <div className="space-y-6">
        <Card>
          <div className="flex flex-wrap items-center gap-4 text-sm">
            <Badge tone={job.status === "failed" ? "danger" : job.status === "succeeded" ? "ok" : job.status === "running" ? "accent" : "neutral"}>{job.status}</Badge>
            <span className="num text-muted">
              attempts {job.attempts}/{job.maxAttempts}
            </span>
            {job.status === "running" ? (
              <>
                <ProgressBar fraction={progressFraction(job.progress)} />
                <span className="text-muted">{describeProgress(job.progress)}</span>
              </>
            ) : null}
          </div>
          {job.lastError ? (
            <p className="mt-3 text-sm text-danger">
              {job.lastError.message} <span className="font-mono text-xs">[{job.lastError.code}]</span>
            </p>
          ) : null}
        </Card>
        {slurm.target || slurm.tasks.length > 0 ? <SlurmCard view={slurm} now={now} /> : null}
        {attempts.map((attempt) => {
          const log = readLogTail(dataDir, attempt.logPath);
          return (
            <Card key={attempt.id} title={`Attempt ${attempt.attempt}`} description={`${attempt.outcome} · started ${agoMs(attempt.startedAt, now)}${attempt.workerId ? ` · worker #${attempt.workerId}` : ""}`} padded={false}>
              {attempt.error ? <p className="border-b border-line px-5 py-2 text-sm text-danger">{attempt.error.message}</p> : null}
              <pre className="max-h-96 overflow-auto px-5 py-3 font-mono text-xs leading-relaxed whitespace-pre-wrap">{log ?? "No log captured."}</pre>
            </Card>
          );
        })}
        {attempts.length === 0 ? (
          <Card>
            <p className="text-sm text-muted">{slurm.target ? "Not claimed yet: its worker starts when Slurm runs the batch job." : "Not claimed by a worker yet."}</p>
          </Card>
        ) : null}
      </div>
    </>
  );
}
