#!/usr/bin/env node
// The `pma-lab` command. The CLI is TypeScript run from source through tsx's loader, so there is no build step.
import { register } from "tsx/esm/api";

register();
await import("./cli/main.ts");
