export { computeWeights, formatSchemeLabel, formatSchemeToken } from "./compute";
export { parseSchemeList } from "./parse";
export { findScheme, weightSchemes } from "./registry";
export type { WeightScheme } from "./scheme";
export { EMA_FORMS, MAX_WINDOW_SIZE, SCHEME_NAMES, schemeSpecSchema } from "./spec";
export type { EmaForm, SchemeName, SchemeSpec } from "./spec";
