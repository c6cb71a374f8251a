import type { Metadata } from "next";
import { connection } from "next/server";
import { getDb } from "../../db";
import { listRuns } from "../../db/queries";
import { NoRuns } from "../components/no-runs";
import { requestTime } from "../components/time";
import { ButtonLink, Card, PageHeader } from "../components/ui";
import { RunsTable } from "./runs-table";

export const metadata: Metadata = { title: "Runs" };

export default async function RunsPage() {
  await connection();
  const runs = listRuns(getDb());
  return (
    <>
      <PageHeader
        title="Runs"
        description="Training trajectories and their branches, with the checkpoints registered for each."
        actions={<ButtonLink href="/register">Register checkpoints</ButtonLink>}
      />
      <Card padded={false}>{runs.length > 0 ? <RunsTable runs={runs} now={requestTime()} /> : <NoRuns />}</Card>
    </>
  );
}
