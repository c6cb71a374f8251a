import { type PhaseArgs, runPhase } from "./phases";

/** Child-process entry for one benchmark phase: runs it and prints one JSON line with its result and peak RSS. */
const args = JSON.parse(process.argv[2] ?? "{}") as PhaseArgs;
const result = await runPhase(args);
// maxRSS is in KiB on Linux and macOS.
process.stdout.write(`${JSON.stringify({ ...result, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
