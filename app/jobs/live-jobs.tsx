"use client";

import { useEffect, useState } from "react";
import type { JobsSnapshot } from "../../lib/jobs/snapshot";
import { formatBytes } from "../../lib/format";
import { Card, EmptyState, Stat } from "../components/ui";
import { JobTable, WorkerList } from "./job-tables";

/** The jobs page body, kept live by /api/jobs/stream (server-sent events); falls back to the server render. */
export function LiveJobs({ initial }: { initial: JobsSnapshot }) {
  const [snapshot, setSnapshot] = useState(initial);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const source = new EventSource("/api/jobs/stream");
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    source.onmessage = (event) => setSnapshot(JSON.parse(event.data) as JobsSnapshot);
    return () => source.close();
  }, []);
  const { counts, disk, at: now } = snapshot;
  return (
    <div className="space-y-6" data-testid="live-jobs">
      <Card>
        <dl className="grid grid-cols-2 gap-6 sm:grid-cols-5">
          <Stat label="Queued" value={counts.queued} />
          <Stat label="Running" value={counts.running} hint={live ? "live" : "reconnecting…"} />
          <Stat label="Succeeded" value={counts.succeeded} />
          <Stat label="Failed" value={counts.failed} />
          <Stat label="Disk" value={disk ? formatBytes(disk.artifacts.bytes) : "—"} hint={disk ? `${formatBytes(disk.freeBytes)} free` : undefined} />
        </dl>
      </Card>
      <Card title="Running" description="Progress, rate and ETA as the workers report them." padded={false}>
        {snapshot.running.length > 0 ? <JobTable rows={snapshot.running} now={now} mode="running" /> : <p className="px-5 py-4 text-sm text-muted">Nothing running.</p>}
      </Card>
      <Card title="Queue" description="Next due first; failed attempts wait out their back-off." padded={false}>
        {snapshot.queued.length > 0 ? <JobTable rows={snapshot.queued} now={now} mode="queued" /> : <p className="px-5 py-4 text-sm text-muted">The queue is empty.</p>}
      </Card>
      <Card title="Workers" description="Registered worker processes, their GPUs and their last heartbeat." padded={false}>
        {snapshot.workers.length > 0 ? (
          <WorkerList workers={snapshot.workers} now={now} />
        ) : (
          <EmptyState title="No workers running" icon="⚙">
            Start one beside the server with <code className="font-mono">npx pma-lab worker</code>, or on a GPU host with a token from{" "}
            <code className="font-mono">npx pma-lab worker-token create NAME</code>.
          </EmptyState>
        )}
      </Card>
      <Card title="Recently finished" padded={false}>
        {snapshot.recent.length > 0 ? <JobTable rows={snapshot.recent} now={now} mode="recent" /> : <p className="px-5 py-4 text-sm text-muted">No finished jobs yet.</p>}
      </Card>
    </div>
  );
}
