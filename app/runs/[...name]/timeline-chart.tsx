"use client";

import { useMemo } from "react";
import { buildTimelineOption, type TimelineInput } from "../../../lib/charts/timeline";
import { EChart } from "../../components/echart";

/** Builds the timeline option on the client (its formatters are functions, which cannot cross from the server). */
export function TimelineChart({ input, runName }: { input: TimelineInput; runName: string }) {
  const option = useMemo(() => buildTimelineOption(input), [input]);
  return <EChart option={option} height={380} label={`Checkpoint timeline of ${runName}: loss and learning rate against tokens`} />;
}
