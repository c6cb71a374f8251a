import type { ReactNode } from "react";
import { requireSweep } from "../research-layout";

export default async function SweepResearchLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  await requireSweep(params);
  return children;
}
