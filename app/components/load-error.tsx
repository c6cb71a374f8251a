"use client";

import { useEffect } from "react";
import { buttonClass, Card, EmptyState } from "./ui";

/**
 * A page's data could not be read (database locked, corrupt row…): logs the error, says what failed with the
 * error's digest for the server log, and offers a retry. `reading` completes "Something went wrong while reading …".
 */
export function LoadError({ error, retry, title, reading }: { error: unknown; retry: () => void; title: string; reading: string }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error ? String((error as { digest?: unknown }).digest) : null;
  return (
    <Card>
      <EmptyState
        title={title}
        icon="!"
        action={
          <button type="button" onClick={() => retry()} className={buttonClass("primary")}>
            Try again
          </button>
        }
      >
        Something went wrong while reading {reading}. The server log has the details{digest ? ` (error ${digest})` : ""}.
      </EmptyState>
    </Card>
  );
}
