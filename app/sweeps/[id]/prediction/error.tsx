"use client";

import { ChartsError } from "../../../components/research-states";

export default function ResearchError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ChartsError error={error} retry={retry} what="annealing prediction" />;
}
