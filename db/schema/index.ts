export * from "./runs";
export * from "./checkpoints";
export * from "./training-logs";
export * from "./workers";
export * from "./jobs";
export * from "./sweeps";
export * from "./artifacts";
export * from "./metrics";
