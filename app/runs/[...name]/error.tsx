"use client";

import { LoadError } from "../../components/load-error";

/** The run could not be read (database locked, corrupt row…): say so and offer a retry. */
export default function RunError({ error, retry }: { error: unknown; retry: () => void }) {
  return <LoadError error={error} retry={retry} title="This run could not be loaded" reading="it" />;
}
