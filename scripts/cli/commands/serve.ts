import { spawn } from "node:child_process";
import path from "node:path";
import type { Command } from "commander";
import { getDb } from "../../../db";
import { activeUserTokenCount } from "../../../lib/auth";
import { getConfig, isLoopbackHost, parseAuthConfig } from "../../../lib/env";
import { PmaError } from "../../../lib/errors";
import { startDemo } from "../../../lib/lab/demo";
import { loadSlurmConfig, slurmConfigPath, slurmConfigured } from "../../../lib/slurm/config";
import { ensureWebBuild } from "../../web-build";
import { action } from "../output";

/** `serve`: the web server on embedded defaults, with a local worker beside it (and the Slurm submitter where configured). */
export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("Start PMA Lab (web UI and API) on embedded defaults")
    .option("--port <port>", "port to listen on", process.env.PORT ?? "3000")
    .option("--host <host>", "address to bind (default: loopback only)", "127.0.0.1")
    .option("--rebuild", "rebuild the web app even if a build exists")
    .option("--no-worker", "do not start a local worker beside the server")
    .option("--no-demo", "do not train the demo lab on a fresh data dir (also PMA_LAB_DEMO=0)")
    .option("--no-slurm", "do not start the Slurm submitter, even where slurm.json exists")
    .action(
      action(async (options: { port: string; host: string; rebuild?: boolean; worker: boolean; demo: boolean; slurm: boolean }) => {
        const root = process.cwd();
        const config = getConfig();
        const auth = parseAuthConfig({ ...process.env, PMA_LAB_HOST: options.host });
        if (auth.required && activeUserTokenCount(config.dataDir) === 0) {
          throw new PmaError(
            "auth_not_configured",
            isLoopbackHost(options.host)
              ? "PMA_LAB_AUTH=on but there are no sign-in tokens, so nobody could sign in; create one first: pma-lab auth token create NAME"
              : `serving on ${options.host} (beyond this machine) requires sign-in, and there are no sign-in tokens yet: anyone who can reach the port could run jobs. Create one first: pma-lab auth token create NAME`,
          );
        }
        getDb(); // creates the data dir and applies migrations before the server opens it
        ensureWebBuild(root, {
          force: Boolean(options.rebuild),
          onBuild: () => process.stderr.write("pma-lab: building the web app (first start or sources changed)…\n"),
        });
        process.stderr.write(`pma-lab: data dir ${config.dataDir}; checkpoint roots ${config.roots.join(", ")}\n`);
        process.stderr.write(`pma-lab: open http://${options.host === "0.0.0.0" ? "localhost" : options.host}:${options.port}\n`);
        if (auth.required) {
          process.stderr.write(`pma-lab: sign-in required (tokens: pma-lab auth token list); allowed host names: loopback, IP addresses${auth.publicHosts.length ? `, ${auth.publicHosts.join(", ")}` : " (add names with PMA_LAB_PUBLIC_HOSTS)"}\n`);
        }
        // PMA_LAB_HOST tells the server where it is bound, which decides whether sign-in is required.
        const env = { ...process.env, PMA_LAB_DATA_DIR: config.dataDir, PMA_LAB_HOST: options.host, NEXT_TELEMETRY_DISABLED: "1" };
        const server = spawn(
          process.execPath,
          [path.join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-H", options.host, "-p", options.port],
          { cwd: root, stdio: "inherit", env },
        );
        const children = [server];
        if (options.worker) {
          // One local worker beside the server: merges on this machine's cores, evaluations on its GPUs (if any).
          children.push(spawn(process.execPath, [path.join(root, "scripts", "pma-lab.mjs"), "worker"], { cwd: root, stdio: "inherit", env }));
        }
        if (options.slurm && slurmConfigured(config.dataDir)) {
          // slurm.json makes this host the cluster's submitter: Slurm-targeted jobs go to sbatch from here.
          loadSlurmConfig(config.dataDir); // a broken file stops the start with its error, not a crash-looping child
          process.stderr.write(`pma-lab: Slurm submitter on (${slurmConfigPath(config.dataDir)})\n`);
          children.push(spawn(process.execPath, [path.join(root, "scripts", "pma-lab.mjs"), "slurm", "submitter"], { cwd: root, stdio: "inherit", env }));
        }
        if (options.worker && options.demo && process.env.PMA_LAB_DEMO !== "0") {
          // The lab trains in the worker, never in the server: the web UI answers at once and shows the runs appear.
          const demo = startDemo(getDb());
          process.stderr.write(
            demo.action === "enqueued"
              ? `pma-lab: training the demo lab (job #${demo.jobId}, about 10 minutes), then a default sweep; skip with --no-demo or PMA_LAB_DEMO=0\n`
              : `pma-lab: demo: ${demo.reason}\n`,
          );
        }
        const stop = (): void => {
          for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
        // When either process ends, stop the other: a product without its server or its worker is not running.
        await Promise.race(children.map((child) => new Promise<void>((resolve) => child.on("exit", () => resolve()))));
        stop();
        await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.on("exit", resolve)) : undefined)));
      }),
    );
}
