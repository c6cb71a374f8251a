import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs-core";

/**
 * tfjs-core's Node bundle ships the ops but not their gradient definitions (the `@tensorflow/tfjs` umbrella
 * package normally registers them). They live in tfjs-core's own ES-module files, listed by
 * `dist/register_all_gradients.js`; we load that same list and register each config with the bundle's
 * registry (a process-wide global, so both copies share it). Prod_grad is skipped: it imports tfjs-core's
 * package index, which Node cannot resolve from an ES module, and the lab never differentiates a product.
 */
const SKIPPED = new Set(["Prod_grad"]);

let loaded: Promise<number> | undefined;

export function registerGradients(): Promise<number> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<number> {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve("@tensorflow/tfjs-core/dist/register_all_gradients.js"));
  const source = await readFile(join(dir, "register_all_gradients.js"), "utf8");
  const names = [...source.matchAll(/from '\.\/gradients\/(\w+)'/g)].map((m) => m[1]).filter((name) => !SKIPPED.has(name));
  if (names.length < 50) throw new Error(`found only ${names.length} gradient definitions in ${dir}; is @tensorflow/tfjs-core intact?`);
  const modules = await Promise.all(names.map((name) => import(pathToFileURL(join(dir, "gradients", `${name}.js`)).href)));
  let count = 0;
  for (const mod of modules) {
    for (const value of Object.values(mod as Record<string, unknown>)) {
      if (value && typeof value === "object" && "kernelName" in value && "gradFunc" in value) {
        tf.registerGradient(value as tf.GradConfig);
        count += 1;
      }
    }
  }
  return count;
}
