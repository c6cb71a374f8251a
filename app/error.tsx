"use client";

import { useEffect } from "react";
import { buttonClass, Card, EmptyState } from "./components/ui";

export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <Card>
      <EmptyState
        title="Something went wrong"
        icon="!"
        action={
          <button type="button" onClick={() => retry()} className={buttonClass("primary")}>
            Try again
          </button>
        }
      >
        The page could not be rendered. The server log has the details.
      </EmptyState>
    </Card>
  );
}
