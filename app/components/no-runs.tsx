import { ButtonLink, Code, EmptyState } from "./ui";

/** The first-run empty state: what to do to see anything at all. */
export function NoRuns() {
  return (
    <EmptyState
      title="No runs yet"
      icon="◇"
      action={<ButtonLink href="/register">Register checkpoints</ButtonLink>}
    >
      Point PMA Lab at a directory of safetensors checkpoints to record a run. From a terminal:{" "}
      <Code>pma-lab scan DIR --run NAME</Code>
    </EmptyState>
  );
}
