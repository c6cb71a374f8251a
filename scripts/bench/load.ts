/**
 * Load benchmark: 16 simulated workers stream 100-point metric batches every second for a minute into a real
 * server while the UI is read; prints exact row counts, client-visible lock errors, p50/p95/p99 write latency and
 * page latency under load against an idle baseline; then the queue drain (8 worker processes × 500 jobs).
 *
 *   npm run bench:load -- [--workers 16] [--seconds 60] [--batch 100] [--idle-seconds 10] [--no-drain] [--json]
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ensureWebBuild } from "../web-build";
import { loadPassed, renderLoadFigures, runLoad } from "./load/run";

const { values } = parseArgs({
  options: {
    workers: { type: "string", default: "16" },
    seconds: { type: "string", default: "60" },
    batch: { type: "string", default: "100" },
    "idle-seconds": { type: "string", default: "10" },
    "no-drain": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
ensureWebBuild(root, { onBuild: () => process.stderr.write("bench:load: building the web app first…\n") });
const figures = await runLoad({ workers: Number(values.workers), seconds: Number(values.seconds), batchSize: Number(values.batch), idleSeconds: Number(values["idle-seconds"]) });
let drain: unknown = null;
if (!values["no-drain"]) {
  const result = spawnSync(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "scripts", "bench", "queue.ts"), "--workers", "8", "--jobs", "500", ...(values.json ? ["--json"] : [])], {
    cwd: root,
    encoding: "utf8",
  });
  drain = values.json ? JSON.parse(result.stdout) : result.stdout.trim();
  if (result.status !== 0) process.exitCode = 1;
}
if (values.json) console.log(JSON.stringify({ load: figures, drain }, null, 2));
else console.log(`${renderLoadFigures(figures)}${drain ? `\n\nqueue drain:\n${drain}` : ""}`);
if (!loadPassed(figures)) process.exitCode = 1;
