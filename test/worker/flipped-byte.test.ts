import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findJobById, listPublishedArtifacts } from "../../db/queries";
import { checkInvariants } from "./helpers/invariants";
import { mergeDataDir, mergeSweep } from "./helpers/merge-fixture";
import { spawnWorker } from "./helpers/spawn";

/** reliability.md, "a flipped byte in a registered checkpoint is caught … before any work". */
describe("a checkpoint changed after it was registered", () => {
  it("is refused before anything is merged: typed error, nothing written or published", async () => {
    const { db, dataDir } = await mergeDataDir("pma-flip-");
    const { jobId } = await mergeSweep(db, dataDir, 0, new Map(), 3);
    // One byte of the newest checkpoint's weights flipped in place, as a bad disk or a stray writer would.
    const file = path.join(dataDir, "ckpt", "main", "step-4000", "model.safetensors");
    const fd = fs.openSync(file, "r+");
    const byte = Buffer.alloc(1);
    const at = fs.fstatSync(fd).size - 100;
    fs.readSync(fd, byte, 0, 1, at);
    byte[0] ^= 0x10;
    fs.writeSync(fd, byte, 0, 1, at);
    fs.closeSync(fd);

    const worker = spawnWorker(dataDir, ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "5"]);
    expect((await worker.exited).code, worker.stderr()).toBe(0);
    const job = findJobById(db, jobId)!;
    expect(job).toMatchObject({ status: "failed", attempts: 1, lastError: { code: "checkpoint_changed", permanent: true } });
    expect(job.lastError!.message).toContain("step-4000 changed after it was registered");
    expect(listPublishedArtifacts(db)).toEqual([]);
    const merges = path.join(dataDir, "artifacts", "merges");
    expect(fs.existsSync(merges) ? fs.readdirSync(merges) : []).toEqual([]);
    checkInvariants(db, dataDir);
  });
});
