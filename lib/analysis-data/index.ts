export { loadRunScores, type RunFamily } from "./run-scores";
export { annealedBranches, loadSweepScores, type SweepScores } from "./sweep";
export { loadTopLevelRunScores } from "./runs";
export { listRestartedRuns, loadRestartCurves, RESTART_KINDS, type RestartedRun } from "./restarts";
export { groupScores, metricInfos, toScores } from "./scores";
