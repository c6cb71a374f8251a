/** What a scan reports back to the CLI, the UI and the API. */
export interface ScanResult {
  run: string;
  directory: string;
  checkpoints: { step: number; tokens: number | null; lr: number | null; phase: string | null; path: string; bytes: number; params: number }[];
  added: number;
  updated: number;
  missing: number;
  rejected: { path: string; reason: string; code: string }[];
  warnings: string[];
  logPoints: number;
  /** The PMA-init recipe the run is recorded as initialised from (when `initFrom` was given, or kept from before). */
  initRecipeHash?: string | null;
}
