"use client";

import { useActionState } from "react";
import { idleScanState } from "../../components/scan-state";
import { buttonClass } from "../../components/ui";
import { rescanRun } from "./actions";

/** Rescans the run's directory and reports what changed, right under the run header. */
export function RescanButton({ runName, disabled }: { runName: string; disabled?: boolean }) {
  const [state, action, pending] = useActionState(rescanRun, idleScanState);
  return (
    <div className="flex flex-col items-end gap-2">
      <form action={action}>
        <input type="hidden" name="run" value={runName} />
        <button type="submit" className={buttonClass("secondary")} disabled={pending || disabled} title={disabled ? "No directory stored for this run" : undefined}>
          <span aria-hidden className={pending ? "inline-block animate-spin" : ""}>
            ↻
          </span>
          {pending ? "Rescanning…" : "Rescan"}
        </button>
      </form>
      {state.status === "error" ? (
        <p role="alert" className="max-w-sm text-right text-sm text-danger">
          {state.message}
        </p>
      ) : null}
      {state.status === "ok" ? (
        <p aria-live="polite" className="num text-right text-xs text-muted" data-testid="rescan-result">
          Rescanned: {state.result.added} added · {state.result.updated} updated · {state.result.missing} missing ·{" "}
          {state.result.rejected.length} rejected
        </p>
      ) : null}
    </div>
  );
}
