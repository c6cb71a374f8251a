"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { buttonClass } from "../../components/ui";
import { retryFailedCellsAction } from "../actions";

export interface SweepActionsProps {
  sweepId: number;
  /** Cells that ended failed or cancelled: what "Re-run failed cells" picks up (the button hides at 0). */
  failedCells: number;
}

/**
 * The sweep's own actions: append cells (the launcher, with this sweep's run fixed) and re-run its failed and
 * cancelled cells in one go — a model published meanwhile is reused, one in flight elsewhere is waited on.
 */
export function SweepActions({ sweepId, failedCells }: SweepActionsProps) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const rerun = () =>
    start(async () => {
      const result = await retryFailedCellsAction(sweepId);
      setMessage(result.ok ? { text: `${result.retried} cell${result.retried === 1 ? "" : "s"} queued again`, error: false } : { text: result.message, error: true });
      router.refresh();
    });
  return (
    <div className="flex flex-wrap items-center gap-2">
      {message ? (
        <span role={message.error ? "alert" : "status"} className={`text-sm ${message.error ? "text-danger" : "text-muted"}`}>
          {message.text}
        </span>
      ) : null}
      {failedCells > 0 ? (
        <button type="button" onClick={rerun} disabled={pending} className={buttonClass("secondary")}>
          {pending ? "Re-running…" : `Re-run failed cells (${failedCells})`}
        </button>
      ) : null}
      <Link href={`/sweeps/${sweepId}/append`} className={buttonClass("secondary")}>
        Append cells
      </Link>
    </div>
  );
}
