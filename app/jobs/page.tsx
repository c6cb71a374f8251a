import type { Metadata } from "next";
import { connection } from "next/server";
import { getDb } from "../../db";
import { getConfig } from "../../lib/env";
import { jobsSnapshot } from "../../lib/jobs/snapshot";
import { PageHeader } from "../components/ui";
import { LiveJobs } from "./live-jobs";

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage() {
  await connection();
  const snapshot = jobsSnapshot(getDb(), { dataDir: getConfig().dataDir });
  return (
    <>
      <PageHeader title="Jobs & workers" description="The merge queue, its progress and the machines running it." />
      <LiveJobs initial={snapshot} />
    </>
  );
}
