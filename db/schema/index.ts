export * from "./runs";
export * from "./checkpoints";
export * from "./training-logs";
