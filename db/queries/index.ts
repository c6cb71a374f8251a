export * from "./runs";
export * from "./checkpoints";
export * from "./training-logs";
export * from "./jobs";
export * from "./workers";
export * from "./sweeps";
export * from "./artifacts";
