import { describe, expect, it } from "vitest";
import { listWorkerTokens } from "../../../db/queries";
import { createWorkerToken, revokeToken, verifyWorkerToken } from "../../../lib/jobs/tokens";
import { tempDataDir } from "./helpers";

describe("worker tokens", () => {
  it("are shown once, stored only as a hash, verified in constant time and revocable", () => {
    const { db } = tempDataDir();
    const { token } = createWorkerToken(db, "gpu-box-1");
    expect(token).toMatch(/^pmaw_1_[A-Za-z0-9_-]{43}$/);
    const stored = db.$client.prepare("select token_hash from worker_tokens").get() as { token_hash: string };
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(db.$client.prepare("select * from worker_tokens").all())).not.toContain(token.slice(7));
    expect(verifyWorkerToken(db, token)?.name).toBe("gpu-box-1");
    expect(verifyWorkerToken(db, token.replace(/.$/, (c) => (c === "A" ? "B" : "A")))).toBeUndefined();
    expect(verifyWorkerToken(db, "pmaw_2_" + token.slice(7))).toBeUndefined();
    expect(verifyWorkerToken(db, "")).toBeUndefined();
    expect(listWorkerTokens(db)[0]).not.toHaveProperty("tokenHash");
    expect(() => createWorkerToken(db, "gpu-box-1")).toThrow(expect.objectContaining({ code: "token_name_taken" }));
    expect(() => createWorkerToken(db, "../x")).toThrow(expect.objectContaining({ code: "token_name_invalid" }));
    revokeToken(db, "gpu-box-1");
    expect(verifyWorkerToken(db, token)).toBeUndefined();
    expect(() => revokeToken(db, "gpu-box-1")).toThrow(expect.objectContaining({ code: "token_already_revoked" }));
    expect(() => revokeToken(db, "nope")).toThrow(expect.objectContaining({ code: "token_not_found" }));
  });
});
