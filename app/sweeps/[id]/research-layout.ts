import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getDb } from "../../../db";
import { findSweepById } from "../../../db/queries";

/**
 * Checks that the sweep exists before a page's loading state streams: a notFound() from inside the page would
 * come after the 200 status is sent, so an unknown sweep would not answer 404.
 */
export async function requireSweep(params: Promise<{ id: string }>): Promise<void> {
  await connection();
  const { id } = await params;
  if (!/^\d+$/.test(id) || !findSweepById(getDb(), Number(id))) notFound();
}
