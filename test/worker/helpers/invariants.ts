import { expect } from "vitest";
import type { Db } from "../../../db/client";
import { checkInvariants as findViolations, type InvariantOptions, type InvariantReport } from "../../../lib/jobs/invariants";

/** reliability.md, "Invariants that must hold after every test" (lib/jobs/invariants.ts); fails with every violation listed. */
export function checkInvariants(db: Db, dataDir: string, options: InvariantOptions = {}): InvariantReport {
  const report = findViolations(db, dataDir, options);
  expect(report.violations, `invariants violated:\n${report.violations.join("\n")}`).toEqual([]);
  return report;
}
