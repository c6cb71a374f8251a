import type { Metadata } from "next";
import { connection } from "next/server";
import { getDb } from "../../db";
import { listRuns } from "../../db/queries";
import { Card, PageHeader } from "../components/ui";
import { UploadForm } from "./upload-form";

export const metadata: Metadata = { title: "Import scores" };

/** Scores produced elsewhere (an annealed baseline scored by the training team's pipeline) attach to registered checkpoints. */
export default async function ImportsPage() {
  await connection();
  const runNames = listRuns(getDb()).map((run) => run.name);
  return (
    <>
      <PageHeader title="Import scores" description="Attach lm-evaluation-harness results or a CSV of metrics to registered checkpoints. Importing the same file again changes nothing." />
      <Card>
        <UploadForm runNames={runNames} />
      </Card>
    </>
  );
}
