"use client";

import { useMemo } from "react";
import type { BeforeAfterPanel, ComparisonPanel, Prediction, RestartWindow, ScoreVsTokens } from "../../lib/analysis";
import { buildBeforeAfterOption } from "../../lib/charts/before-after";
import { buildPredictionLineOption, buildPredictionScatterOption } from "../../lib/charts/prediction";
import { buildRestartOption } from "../../lib/charts/restarts";
import { buildPanelOption, buildScoreVsTokensOption } from "../../lib/charts/score-tokens";
import { EChart } from "./echart";

/**
 * The research charts on a page. Options are built here, in the browser, from the analysis' plain results:
 * their tooltip and axis formatters are functions, which cannot cross from a server component.
 */

export function ScoreVsTokensChart({ result, label }: { result: ScoreVsTokens; label: string }) {
  const option = useMemo(() => buildScoreVsTokensOption(result), [result]);
  return <EChart option={option} height={380} label={label} />;
}

export function PanelChart({ panel, label, height = 320 }: { panel: ComparisonPanel; label: string; height?: number }) {
  const option = useMemo(() => buildPanelOption(panel), [panel]);
  return <EChart option={option} height={height} label={label} />;
}

export function PredictionScatterChart({ prediction, label }: { prediction: Prediction; label: string }) {
  const option = useMemo(() => buildPredictionScatterOption(prediction), [prediction]);
  return <EChart option={option} height={380} label={label} />;
}

export function PredictionLineChart({ prediction, label }: { prediction: Prediction; label: string }) {
  const option = useMemo(() => buildPredictionLineOption(prediction), [prediction]);
  return <EChart option={option} height={380} label={label} />;
}

export function BeforeAfterChart({ panel, label }: { panel: BeforeAfterPanel; label: string }) {
  const option = useMemo(() => buildBeforeAfterOption(panel), [panel]);
  return <EChart option={option} height={300} label={label} />;
}

export function RestartChart({ window, label }: { window: RestartWindow; label: string }) {
  const option = useMemo(() => buildRestartOption(window), [window]);
  return <EChart option={option} height={520} label={label} />;
}
