import { formatBytes, table } from "../../lib/format";
import type { BenchReport, PhaseReport } from "./merge-bench";

/** The human rendering of a merge benchmark: one row per phase, then the targets. */
export function renderBenchReport(r: BenchReport): string {
  const p = r.phases;
  const row = (label: string, x: PhaseReport, vs: string) => [
    label,
    `${x.seconds.toFixed(2)} s`,
    formatBytes(x.bytesRead),
    formatBytes(x.bytesWritten),
    x.bytesRead > 0 ? `${formatBytes(x.bytesRead / x.seconds)}/s` : `${formatBytes(x.bytesWritten / x.seconds)}/s`,
    formatBytes(x.maxRssBytes),
    vs,
  ];
  const mark = (ok: boolean) => (ok ? "✓" : "✗");
  const runs = (x: PhaseReport) => (x.runs && x.runs.length > 1 ? `  (runs: ${x.runs.map((t) => t.toFixed(2)).join(", ")} s)` : "");
  const floorRuns = p.floor.runs ?? [];
  return [
    `merge benchmark: ${r.checkpoints} × ${formatBytes(r.checkpointBytes)} bf16 checkpoints (Llama layout), ${r.threads} thread(s), in ${r.dir}`,
    `cores available (busy loop on ${r.threads} threads, per round): ${r.coresAvailable.map((c) => c.toFixed(2)).join(", ")}`,
    `reads: ${r.cache}`,
    ...(r.repeat > 1 ? [`times: fastest of ${r.repeat} interleaved rounds per phase; peak RSS: largest of them`] : []),
    `outputs: ${r.outputs}`,
    "",
    table(
      ["phase", "time", "read", "written", "rate", "peak RSS", "ratio"],
      [
        row("(a) read floor", p.floor, "1.00 × (a)"),
        row(`(b) ${r.checkpoints}-way SMA merge`, p.merge, `${r.ratios.mergeOverFloor.toFixed(2)} × (a)`),
        row(`(c) fused ${p.sweep.outputs}-cell sweep`, p.sweep, `${r.ratios.sweepOverSequential.toFixed(2)} × (d)`),
        row(`(d) ${p.sequential.outputs} cells one at a time`, p.sequential, "1.00 × (d)"),
        row("(e) disk write floor of (c)'s bytes", p.writeFloor, `${(p.writeFloor.seconds / p.sweep.seconds).toFixed(2)} × (c)`),
      ],
    ),
    "",
    `${mark(r.targets.mergeWithin2xFloor)} (b) ≤ 2 × (a): ${r.ratios.mergeOverFloor.toFixed(2)}${runs(p.merge)}`,
    ...(floorRuns.length > 2 ? [`  (a) runs: ${floorRuns.map((t) => t.toFixed(2)).join(", ")} s`] : []),
    `${mark(r.targets.mergeRssUnder512MiB)} (b) peak RSS ≤ 512 MiB: ${formatBytes(p.merge.maxRssBytes)}`,
    `${mark(r.targets.sweepUnderHalfSequential)} (c) ≤ 0.5 × (d): ${r.ratios.sweepOverSequential.toFixed(2)}${runs(p.sweep)}${runs(p.sequential).replace("runs", "(d) runs")}`,
    `${mark(r.targets.sweepReadsOnce)} (c) reads each input byte once: ${r.ratios.sweepReadsPerInputByte.toFixed(3)} × the input bytes`,
  ].join("\n");
}
