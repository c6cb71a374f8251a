import type { RegisterRequest } from "../../lib/checkpoints/register-request";

/** The form's fields: exactly the shared register request's keys. */
export const registerFields = ["directory", "run", "tokensPerStep", "schedule", "branchOf", "forkTokens", "kind", "initFrom"] as const satisfies readonly (keyof RegisterRequest)[];
