"use client";

import { useEffect } from "react";
import { buttonClass, Card, EmptyState } from "../../components/ui";

/** The run could not be read (database locked, corrupt row…): say so and offer a retry. */
export default function RunError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error ? String((error as { digest?: unknown }).digest) : null;
  return (
    <Card>
      <EmptyState
        title="This run could not be loaded"
        icon="!"
        action={
          <button type="button" onClick={() => retry()} className={buttonClass("primary")}>
            Try again
          </button>
        }
      >
        Something went wrong while reading it. The server log has the details{digest ? ` (error ${digest})` : ""}.
      </EmptyState>
    </Card>
  );
}
