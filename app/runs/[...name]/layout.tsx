import { notFound } from "next/navigation";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { getDb } from "../../../db";
import { findRunByName } from "../../../db/queries";
import { runNameFromSegments } from "../../components/run-href";

/**
 * Checks that the run exists before the page's loading state streams: a notFound() from inside the page
 * would come after the 200 status is sent, so an unknown run would not answer 404.
 */
export default async function RunLayout({ children, params }: { children: ReactNode; params: Promise<{ name: string[] }> }) {
  await connection();
  if (!findRunByName(getDb(), runNameFromSegments((await params).name))) notFound();
  return children;
}
