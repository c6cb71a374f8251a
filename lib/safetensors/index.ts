/** The safetensors module's public surface; importing a specific file works just as well. */
export * from "./dtypes";
export * from "./header";
export * from "./file";
export * from "./writer";
export * from "./shard-index";
export * from "./checkpoint";
export * from "./float-codec";
export * from "./float-codec-f32";
export { findWeights, type WeightsLocation } from "./weights-files";
export { stError } from "./errors";
