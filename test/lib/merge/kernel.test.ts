import { describe, expect, it } from "vitest";
import { type KernelDtype } from "../../../lib/merge/kernel/dtypes";
import { mergeReference } from "../../../lib/merge/kernel/reference";
import { decodeFloats, encodeFloats } from "../../../lib/safetensors/float-codec";
import { randomInputs, readElement, ulpDistance } from "./kernel-data";
import { runKernel } from "./kernel-harness";

/** Weight vectors, oldest first: SMA, WMA, EMA (both forms), and a custom one with a zero and a negative. */
function schemes(n: number): number[][] {
  const sma = Array.from({ length: n }, () => 1 / n);
  const wmaSum = (n * (n + 1)) / 2;
  const wma = Array.from({ length: n }, (_, i) => (i + 1) / wmaSum);
  const emaRec = Array.from({ length: n }, (_, i) => (i === 0 ? 0.9 ** (n - 1) : 0.1 * 0.9 ** (n - 1 - i)));
  const raw = Array.from({ length: n }, (_, i) => 0.2 * 0.8 ** (n - 1 - i));
  const emaClosed = raw.map((w) => w / raw.reduce((a, b) => a + b, 0));
  const out = [sma, wma, emaRec, emaClosed];
  if (n >= 3) out.push(Array.from({ length: n }, (_, i) => (i === 0 ? 0 : i === 1 ? -0.25 : 1.25 / (n - 2))));
  return out;
}

/**
 * The float64 reference merge, written independently of the kernel: decode every input exactly, sum w·x in
 * float64 oldest first, round once to the output dtype with the exact scalar codec.
 */
function truth(inDtype: KernelDtype, inputs: Uint8Array[], weights: number[], outDtype: KernelDtype): Uint8Array {
  const xs = inputs.map((b) => decodeFloats(b, inDtype));
  const out = new Float64Array(xs[0].length);
  for (let j = 0; j < out.length; j++) {
    let s = -0;
    for (let i = 0; i < xs.length; i++) if (weights[i] !== 0) s += weights[i] * xs[i][j];
    out[j] = s;
  }
  return encodeFloats(out, outDtype);
}

const CASES: { inDtype: KernelDtype; outDtype: KernelDtype }[] = [
  { inDtype: "BF16", outDtype: "BF16" },
  { inDtype: "F16", outDtype: "F16" },
  { inDtype: "F32", outDtype: "F32" },
  { inDtype: "F64", outDtype: "F64" },
  { inDtype: "BF16", outDtype: "F32" },
  { inDtype: "F32", outDtype: "BF16" },
  { inDtype: "F16", outDtype: "BF16" },
  { inDtype: "F64", outDtype: "BF16" },
  { inDtype: "BF16", outDtype: "F16" },
];

describe("merge kernel", () => {
  for (const { inDtype, outDtype } of CASES) {
    it(`${inDtype} → ${outDtype}: WebAssembly equals the reference bit for bit, within 1 ulp of the float64 merge`, () => {
      let elements = 0;
      let off = 0;
      let worst = 0;
      for (const [seed, n] of [1, 2, 3, 5, 8].entries()) {
        const count = 4099 + 2 * seed; // odd, and not a multiple of the tile
        const inputs = randomInputs(inDtype, n, count, 1000 * seed + n);
        const outputs = schemes(n).map((weights) => ({ dtype: outDtype, weights }));
        const got = runKernel(inDtype, inputs, outputs); // fused: all schemes from one decode
        const want = mergeReference(inDtype, inputs, outputs);
        outputs.forEach((o, k) => {
          expect(Buffer.from(got[k]).equals(Buffer.from(want[k])), `n=${n} weights=${o.weights}`).toBe(true);
          const alone = runKernel(inDtype, inputs, [o])[0]; // one output: the direct path where there is one
          expect(Buffer.from(alone).equals(Buffer.from(want[k])), `alone n=${n} weights=${o.weights}`).toBe(true);
          const exact = truth(inDtype, inputs, o.weights, outDtype);
          for (let j = 0; j < count; j++) {
            const d = ulpDistance(readElement(got[k], j, outDtype), readElement(exact, j, outDtype), outDtype);
            worst = Math.max(worst, d);
            if (d > 0) off++;
          }
          elements += count;
        });
      }
      expect(worst).toBeLessThanOrEqual(1);
      expect(off / elements).toBeLessThanOrEqual(0.001);
    });
  }
});
