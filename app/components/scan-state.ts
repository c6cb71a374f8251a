import type { ScanResult } from "../../lib/checkpoints/types";

/** What the register and rescan actions hand back to their forms (useActionState). */
export type ScanActionState =
  | { status: "idle"; values?: Record<string, string> }
  | { status: "error"; message: string; code?: string; fieldErrors?: Record<string, string>; values?: Record<string, string> }
  | { status: "ok"; result: ScanResult; values?: Record<string, string> };

export const idleScanState: ScanActionState = { status: "idle" };
