/** The merge executor's public surface. */
export { executeMerge } from "./execute";
export { validateInputs, describeDiff, type TensorDiff } from "./validate";
export { MANIFEST_FILE, SHA256_SCHEME } from "./manifest";
export type * from "./types";
