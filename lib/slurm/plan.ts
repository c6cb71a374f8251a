import type { SbatchRequest } from "../../db/schema";

/**
 * Which ready jobs go out together (pure): jobs of the same sweep and kind asking for the same resources become
 * one job array, cut at `maxArraySize`; everything else goes out alone. Order is kept (priority, then age).
 */

export interface ReadyItem {
  jobId: number;
  kind: string;
  sweepId: number | null;
  request: SbatchRequest;
}

export interface PlannedSubmission {
  kind: string;
  sweepId: number | null;
  request: SbatchRequest;
  jobIds: number[];
}

export function planSubmissions(items: ReadyItem[], maxArraySize: number): PlannedSubmission[] {
  const groups = new Map<string, PlannedSubmission>();
  const order: PlannedSubmission[] = [];
  for (const item of items) {
    // Jobs outside any sweep are not grouped: each is its own plain job.
    const key = item.sweepId === null ? `job:${item.jobId}` : JSON.stringify([item.sweepId, item.kind, item.request]);
    let group = groups.get(key);
    if (!group || group.jobIds.length >= maxArraySize) {
      group = { kind: item.kind, sweepId: item.sweepId, request: item.request, jobIds: [] };
      groups.set(key, group);
      order.push(group);
    }
    group.jobIds.push(item.jobId);
  }
  return order;
}

/** "sweep #3: 12 sweep-pass jobs (#40–#51)": the script's header comment. */
export function describeSubmission(plan: Pick<PlannedSubmission, "kind" | "sweepId" | "jobIds">): string {
  const ids = plan.jobIds;
  const tags = ids.map((id) => `#${id}`);
  const list = ids.length === 1 ? tags[0] : isRun(ids) ? `${tags[0]}–${tags[ids.length - 1]}` : ids.length <= 6 ? tags.join(", ") : `${tags.slice(0, 3).join(", ")}, …, ${tags[ids.length - 1]}`;
  const what = `${ids.length} ${plan.kind} job${ids.length === 1 ? "" : "s"} (${list})`;
  return plan.sweepId === null ? what : `sweep #${plan.sweepId}: ${what}`;
}

function isRun(ids: number[]): boolean {
  return ids.every((id, i) => i === 0 || id === ids[i - 1] + 1);
}
