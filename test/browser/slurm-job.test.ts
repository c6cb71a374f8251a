import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, writeTransaction } from "../../db/client";
import { insertSubmission, insertTasks, listTasks, updateSubmission, updateTask } from "../../db/queries";
import { enqueueJob } from "../../lib/jobs/queue";
import { createWorkerTokenIn } from "../../lib/jobs/tokens";
import { renderBatchScript } from "../../lib/slurm/script";
import { targetJob } from "../../lib/slurm/target";
import { makeTempDir } from "../helpers/checkpoint-fixtures";
import { buildIfStale, launchBrowser, screenshotter, startServer, tearDown, type Server, type Shot } from "./support";

// A job on Slurm as its page shows it: one submission that timed out, the next still pending, each with its script.
const request = { partition: "gpu", timeMinutes: 90, cpus: 8, memMiB: 32768, gpus: 1, extra: [] };

let server: Server | undefined;
let browser: Browser | undefined;
let page: Page;
let shot: Shot;
let jobId: number;
let waitingId: number;

function seed(dataDir: string): void {
  const db = openDatabase(path.join(dataDir, "pma-lab.sqlite"));
  jobId = enqueueJob(db, { kind: "noop", payload: { sleepMs: 1 } }).id;
  waitingId = enqueueJob(db, { kind: "noop", payload: {} }).id;
  targetJob(db, jobId, { partition: "gpu", timeMinutes: 90 });
  targetJob(db, waitingId, {});
  for (const [slurmJobId, state] of [
    ["4101", "TIMEOUT"],
    ["4102", "PENDING"],
  ] as const) {
    writeTransaction(db, (tx) => {
      const row = insertSubmission(tx, { name: "pma-lab-0123abcd-s1", kind: "noop", sweepId: null, isArray: false, request, script: "", tokenId: null, now: Date.now() - 60_000 });
      const token = createWorkerTokenIn(tx, `slurm-submission-${row.id}`);
      const script = renderBatchScript({
        submissionId: row.id,
        name: `pma-lab-0123abcd-s${row.id}`,
        request,
        jobIds: [jobId],
        description: `1 noop job (#${jobId})`,
        server: "http://10.1.0.5:3000",
        command: ["/shared/pma-lab/bin/pma-lab"],
        pathMap: [],
        env: {},
        chdir: "/tmp",
        logDir: "/tmp",
        leaseSeconds: 60,
      });
      updateSubmission(tx, row.id, { script, tokenId: token.id, state: "submitted", slurmJobId, submittedAt: Date.now() - 50_000 });
      insertTasks(tx, [{ submissionId: row.id, jobId, arrayIndex: null }], Date.now());
      const [task] = listTasks(tx, row.id);
      updateTask(tx, task.id, state === "TIMEOUT" ? { slurmState: state, reason: "TimeLimit", exitCode: "0:15", settled: "retried", message: `Slurm job ${slurmJobId} reached its time limit (--time=01:30:00); retrying` } : { slurmState: state, reason: "Priority" }, Date.now());
    });
  }
  db.$client.close();
}

beforeAll(async () => {
  const dataDir = path.join(makeTempDir("pma-browser-slurm-"), "data");
  seed(dataDir);
  buildIfStale();
  server = await startServer({ PMA_LAB_DATA_DIR: dataDir });
  ({ browser, page } = await launchBrowser());
  shot = screenshotter(page);
});

afterAll(() => tearDown({ browser, server }));

describe("a job on Slurm in the UI", () => {
  it("its page shows each submission's Slurm job, state and what happened, and the batch script", async () => {
    await page.goto(`${server!.url}/jobs/${jobId}`);
    const card = page.locator("section", { has: page.getByRole("heading", { name: "Slurm" }) });
    expect(await card.innerText()).toMatch(/Runs on Slurm, asking for partition gpu · time limit 01:30:00/);
    const items = card.locator("li");
    expect(await items.count()).toBe(2);
    // Newest first: the pending resubmission, its script open; then the one that timed out.
    expect(await items.nth(0).innerText()).toMatch(/Slurm job 4102\s+PENDING\s+Priority/);
    expect(await items.nth(1).innerText()).toMatch(/Slurm job 4101\s+TIMEOUT\s+TimeLimit\s+exit 0:15/);
    expect(await items.nth(1).innerText()).toContain("reached its time limit (--time=01:30:00); retrying");
    const script = items.nth(0).locator("pre");
    await expect(script.isVisible()).resolves.toBe(true);
    expect(await script.innerText()).toContain(`--job ${jobId}`);
    expect(await script.innerText()).toContain("#SBATCH --gres=gpu:1");
    expect(await items.nth(1).locator("pre").isVisible()).toBe(false);
    await items.nth(1).getByText("Batch script").click();
    expect(await items.nth(1).locator("pre").isVisible()).toBe(true);
    await shot("slurm-job");
  });

  it("the queue marks Slurm's jobs and says they wait for it", async () => {
    await page.goto(`${server!.url}/jobs`);
    const row = page.locator("tr", { has: page.getByRole("link", { name: `#${waitingId}`, exact: true }) });
    expect(await row.innerText()).toMatch(/noop\s+Slurm/);
    expect(await row.innerText()).toContain("waiting for Slurm");
    await page.goto(`${server!.url}/jobs/${waitingId}`);
    expect(await page.locator("main").innerText()).toContain("Waiting for the submitter to hand it to sbatch");
  });
});
