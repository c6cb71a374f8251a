import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataLayout, partialName } from "../../../lib/disk";
import type { EvaluateJobPayload } from "../../../lib/eval/payload";

/**
 * One simulated remote worker, speaking the worker API over HTTP like `pma-lab worker --server` does: register,
 * claim an evaluate job, heartbeat, stream a batch of metrics every `everyMs` (retrying a failed batch, which the
 * server makes idempotent), then publish a small raw output and complete. It records every batch's latency and
 * every non-2xx answer (a lock error reaching a client would show up here).
 */
export interface SimWorkerOptions {
  server: string;
  token: string;
  /** The server's data dir (this benchmark runs on the server's machine, so the partial output is written there). */
  dataDir: string;
  index: number;
  batches: number;
  batchSize: number;
  everyMs: number;
}

export interface ClientError {
  action: string;
  status: number;
  code: string;
  message: string;
}

export interface SimWorkerReport {
  jobId: number;
  batchesSent: number;
  rowsInserted: number;
  duplicates: number;
  /** Milliseconds per metrics batch, first try to success. */
  latenciesMs: number[];
  /** Batches that started more than one interval behind schedule. */
  late: number;
  errors: ClientError[];
}

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

export async function runSimWorker(options: SimWorkerOptions): Promise<SimWorkerReport> {
  const errors: ClientError[] = [];
  const call = async (action: string, body: unknown): Promise<Answer> => {
    let status = 0;
    let json: Answer["body"] = {};
    try {
      const response = await fetch(`${options.server}/api/worker/${action}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${options.token}` },
        body: JSON.stringify(body),
      });
      status = response.status;
      const text = await response.text();
      try {
        json = JSON.parse(text);
      } catch {
        json = { error: { code: "not_json", message: text.slice(0, 200) } };
      }
    } catch (error) {
      json = { error: { code: "network", message: (error as Error).message } };
    }
    if (status < 200 || status >= 300) errors.push({ action, status, code: json.error?.code ?? "", message: json.error?.message ?? "" });
    return { status, body: json };
  };

  const registration = { name: `sim-${options.index}`, host: "load-bench", pid: process.pid, cpus: 1, memory: 0, gpus: [], slots: { cpu: 0, gpus: [0] }, heartbeatEveryMs: 10_000 };
  const { workerId } = (await call("register", registration)).body as { workerId: number };
  type Claimed = { id: number; leaseToken: string; attempt: number; payload: EvaluateJobPayload };
  let job: Claimed | null = null;
  for (let tries = 0; !job && tries < 300; tries++) {
    job = ((await call("claim", { workerId, kinds: ["evaluate"], leaseMs: 60_000 })).body.job as Claimed | null) ?? null;
    if (!job) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!job) throw new Error(`simulated worker ${options.index}: no evaluate job to claim`);
  const lease = { jobId: job.id, leaseToken: job.leaseToken };
  const heartbeat = setInterval(() => void call("heartbeat", { ...lease, leaseMs: 60_000, workerId }), 10_000);

  const report: SimWorkerReport = { jobId: job.id, batchesSent: 0, rowsInserted: 0, duplicates: 0, latenciesMs: [], late: 0, errors };
  const started = performance.now();
  try {
    for (let b = 0; b < options.batches; b++) {
      const due = started + b * options.everyMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else if (-wait > options.everyMs) report.late++;
      const metrics = Array.from({ length: options.batchSize }, (_, i) => ({ name: `train/loss@${b * options.batchSize + i}`, value: 2 + Math.sin(b + i / 10), stderr: null, n: 512, higherIsBetter: false }));
      const sentAt = performance.now();
      for (let attempt = 0; ; attempt++) {
        const answer = await call("metrics", { ...lease, metrics });
        if (answer.status === 200) {
          report.rowsInserted += answer.body.inserted as number;
          report.duplicates += answer.body.duplicates as number;
          break;
        }
        if (attempt >= 5 || answer.status === 409) throw new Error(`simulated worker ${options.index}: metrics batch ${b} refused: ${answer.status} ${answer.body.error?.message}`);
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
      report.latenciesMs.push(performance.now() - sentAt);
      report.batchesSent++;
    }
    await publishAndComplete(options, job, lease, call);
  } finally {
    clearInterval(heartbeat);
    await call("stop", { workerId });
  }
  return report;
}

async function publishAndComplete(
  options: SimWorkerOptions,
  job: { id: number; attempt: number; payload: EvaluateJobPayload },
  lease: { jobId: number; leaseToken: string },
  call: (action: string, body: unknown) => Promise<Answer>,
): Promise<void> {
  const name = job.payload.output;
  const partial = path.join(dataLayout(options.dataDir).artifacts, partialName(name, job.attempt));
  fs.mkdirSync(partial, { recursive: true });
  const content = Buffer.from(`${JSON.stringify({ streamed: options.batches * options.batchSize })}\n`);
  fs.writeFileSync(path.join(partial, "metrics.json"), content);
  const sha256 = createHash("sha256").update(`metrics.json\0${content.length}\0`).update(content).digest("hex");
  const published = await call("publish", { ...lease, name, bytes: content.length, sha256, files: ["metrics.json"] });
  if (published.status !== 200) throw new Error(`simulated worker ${options.index}: publish refused: ${published.body.error?.message}`);
  const result = {
    key: job.payload.key,
    evaluator: job.payload.evaluator,
    fingerprint: "load-bench",
    metrics: [],
    warnings: [],
    details: { simulated: true },
    raw: { name, files: ["metrics.json"], status: "published" },
  };
  const completed = await call("complete", { ...lease, result });
  if (completed.status !== 200) throw new Error(`simulated worker ${options.index}: complete refused: ${completed.body.error?.message}`);
}
