import type { Db } from "../../db/client";
import { listSeriesPoints } from "../../db/queries";
import { detectSpikes, type Spike } from "../analysis/spikes";

/** The loss spikes of a run's logged training loss, numbered 1… in this order by the UI and the CLI. */
export function detectRunSpikes(db: Db, runId: number): Spike[] {
  return detectSpikes(listSeriesPoints(db, runId, "loss"));
}
