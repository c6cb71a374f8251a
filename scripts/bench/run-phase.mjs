// Starts one benchmark phase in this (fresh) process: TypeScript runs from source through tsx, as in the CLI.
import { register } from "tsx/esm/api";

register();
await import("./phase-main.ts");
