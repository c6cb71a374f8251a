import type { StoredSweepGrid } from "../../db/schema";
import { formatSchemeToken } from "../merge/weights";
import type { LaunchRun } from "./launch-facts";
import type { LaunchForm } from "./launch-request";
import { parseTokenCount } from "./tokens";

/**
 * What the launcher starts from, so its preview shows a real grid at once: the run's branch points when it has
 * annealed branches (each merge then has an annealed baseline at its T), else about four evenly spread
 * checkpoints; N = 3 and 6; V = the run's checkpoint spacing; SMA, the paper's choice (paper.md §4.5).
 */
export function defaultLaunchForm(run: LaunchRun | undefined): LaunchForm {
  const points: LaunchForm["points"] =
    run && run.branchPoints.length > 0 ? { mode: "branches" } : { mode: "every", every: Math.max(1, Math.ceil((run?.checkpoints ?? 4) / 4)), from: "", to: "" };
  return {
    run: run?.name ?? "",
    points,
    n: "3,6",
    intervals: run?.spacing ? tokenText(run.spacing) : "",
    schemes: { sma: true, wma: false, ema: false, alphas: "0.1,0.2", emaForm: "recursive", other: "" },
    evaluators: [],
    keep: false,
    tolerance: "",
    executor: "local",
    slurm: {},
  };
}

/** A sweep's stored grid as the launcher's form, to append to it: edit a list and only the new cells are added. */
export function formFromGrid(run: string, grid: StoredSweepGrid): LaunchForm {
  const ema = grid.schemes.filter((spec) => spec.scheme === "ema");
  const forms = new Set(ema.map((spec) => spec.form));
  const other = grid.schemes.filter((spec) => spec.scheme === "custom");
  return {
    run,
    points: { mode: "list", list: grid.points.map(tokenText).join(",") },
    n: grid.ns.join(","),
    intervals: grid.intervals.map(tokenText).join(","),
    schemes: {
      sma: grid.schemes.some((spec) => spec.scheme === "sma"),
      wma: grid.schemes.some((spec) => spec.scheme === "wma"),
      ema: ema.length > 0,
      alphas: ema.length > 0 ? [...new Set(ema.map((spec) => spec.alpha))].join(",") : "0.1,0.2",
      emaForm: forms.size === 2 ? "both" : forms.has("closed") ? "closed" : "recursive",
      other: other.map(formatSchemeToken).join(","),
    },
    evaluators: [],
    keep: false,
    tolerance: grid.tolerance === undefined ? "" : tokenText(grid.tolerance),
    // Cells appended to a Slurm sweep follow the sweep there; the executor fields are not asked again.
    executor: "local",
    slurm: {},
  };
}

/** "20.48K", "1.6384M": the shortest suffixed form that reads back exactly, else the plain number (a prefilled field must not round a value). */
export function tokenText(tokens: number): string {
  for (const [size, suffix] of [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]] as const) {
    if (Math.abs(tokens) < size) continue;
    const text = `${Number((tokens / size).toFixed(6))}${suffix}`;
    try {
      if (parseTokenCount(text) === tokens) return text;
    } catch {
      // not representable this way: try a smaller unit
    }
  }
  return String(tokens);
}
