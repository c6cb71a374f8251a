import * as tf from "@tensorflow/tfjs-core";

/**
 * The wasm backend multiplies untransposed operands through XNNPACK (~25 GFLOP/s on one core here) but
 * falls back to a slow loop when an operand is transposed: 1024×64·64×64 measured 1.4 GFLOP/s with
 * transposeB and 0.6 with transposeA, against 15–25 after an explicit transpose. Autodiff's matMul gradients
 * are exactly those transposed products, so training ran ~10× slower. This wraps the backend's BatchMatMul
 * kernel: transposed operands are materialised with the backend's own Transpose kernel first. The kernel
 * computes the same product; the model and its gradients are untouched.
 */
interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface KernelArgs {
  inputs: Record<string, TensorInfoLike>;
  backend: { disposeData(dataId: object): void };
  attrs?: Record<string, unknown>;
}

type KernelFunc = (args: KernelArgs) => TensorInfoLike;

let patched = false;

export function patchWasmMatMul(): void {
  if (patched) return;
  const original = tf.getKernel(tf.BatchMatMul, "wasm");
  const transpose = tf.getKernel(tf.Transpose, "wasm");
  if (!original || !transpose) throw new Error("the wasm backend has no BatchMatMul/Transpose kernel to wrap");
  const matMul = original.kernelFunc as unknown as KernelFunc;
  const transposeFn = transpose.kernelFunc as unknown as KernelFunc;
  const flip = (x: TensorInfoLike, backend: KernelArgs["backend"]) => {
    const rank = x.shape.length;
    const perm = [...Array(rank).keys()];
    [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
    return transposeFn({ inputs: { x }, backend, attrs: { perm } });
  };
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return matMul({ inputs, backend, attrs });
    const a = transposeA ? flip(inputs.a, backend) : inputs.a;
    const b = transposeB ? flip(inputs.b, backend) : inputs.b;
    try {
      return matMul({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      if (transposeA) backend.disposeData(a.dataId);
      if (transposeB) backend.disposeData(b.dataId);
    }
  };
  tf.unregisterKernel(tf.BatchMatMul, "wasm");
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  patched = true;
}
