"use client";

import { useActionState } from "react";
import { cancelJobAction, retryJobAction, type JobActionState } from "./actions";

const idle: JobActionState = { status: "idle" };

/** Cancel (queued / running) or retry (failed / cancelled) one job. */
export function JobButton({ id, kind }: { id: number; kind: "cancel" | "retry" }) {
  const [state, action, pending] = useActionState(kind === "cancel" ? cancelJobAction : retryJobAction, idle);
  return (
    <form action={action} className="inline-flex items-center gap-2">
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        disabled={pending}
        className={`rounded-md border px-2 py-0.5 text-xs font-medium transition-colors disabled:opacity-60 ${
          kind === "cancel" ? "border-danger/40 text-danger hover:bg-danger-soft" : "border-line text-fg hover:bg-subtle"
        }`}
      >
        {pending ? "…" : kind === "cancel" ? "Cancel" : "Retry"}
      </button>
      {state.status === "error" ? (
        <span role="alert" className="text-xs text-danger">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
