import { describe, expect, it } from "vitest";
import { handleWorkerApi } from "../../../lib/jobs/api/handler";
import { enqueueJob } from "../../../lib/jobs/queue";
import { JobService } from "../../../lib/jobs/service";
import { createWorkerToken } from "../../../lib/jobs/tokens";
import { tempDataDir } from "./helpers";

describe("local-only job kinds", () => {
  it("are never handed to a remote worker over the HTTP API, which still gets the other kinds", async () => {
    const { db, dataDir } = tempDataDir("pma-local-only-");
    const context = { db, service: new JobService(db, dataDir, { backoff: { baseMs: 50, maxMs: 200 } }) };
    const { token } = createWorkerToken(db, "remote-host");
    const call = async (action: string, body: unknown) => {
      const request = new Request(`http://localhost/api/worker/${action}`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      return (await handleWorkerApi(action, request, context)).json();
    };
    const { workerId } = await call("register", { name: "r", host: "h", pid: 1, cpus: 2, memory: 1, gpus: [], slots: { cpu: 1, gpus: [] }, heartbeatEveryMs: 1000 });
    const lab = enqueueJob(db, { kind: "lab-train", payload: { scale: "ci", dir: "lab/ci" } });
    expect(await call("claim", { workerId, kinds: ["lab-train"], leaseMs: 5000 })).toMatchObject({ job: null });
    const noop = enqueueJob(db, { kind: "noop", payload: {} });
    expect(await call("claim", { workerId, kinds: ["lab-train", "noop"], leaseMs: 5000 })).toMatchObject({ job: { id: noop.id, kind: "noop" } });
    expect(db.$client.prepare("select status from jobs where id = ?").get(lab.id)).toEqual({ status: "queued" });
  });
});
