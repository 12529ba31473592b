/**
 * Work-arounds for two performance problems of @tensorflow/tfjs-backend-wasm 4.22.0 (pinned
 * exactly; `wasm-patches.test.ts` checks every replaced kernel against the original):
 *
 * 1. BatchMatMul sends any transposed operand (every matMul gradient) and any batched matMul to a
 *    scalar C++ loop instead of XNNPACK (~25× slower here). The replacement transposes the operand
 *    once with the Transpose kernel and calls the original kernel untransposed, which takes XNNPACK.
 * 2. Slice reads the whole input out of the wasm heap (`readSync` copies it) on every call, so
 *    taking the last time step of a sequence costs a copy of the sequence. The replacement reads a
 *    view of the heap instead.
 * 3. Identity copies its input. The engine clones (Identity) every tensor it saves for a gradient,
 *    so each training step copied every LSTM layer's activations once more. Tensors are immutable,
 *    so the replacement shares the data with a reference count, as the cpu backend's Identity does.
 */
import { getKernel, registerKernel, unregisterKernel, slice_util, util } from "@tensorflow/tfjs-core";
import type { DataType, KernelBackend, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";

interface WasmBackendLike {
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

type KernelArgs = Parameters<KernelFunc>[0];

interface Originals {
  matMul: KernelFunc;
  slice: KernelFunc;
  identity: KernelFunc;
}
let originals: Originals | undefined;

/** The wasm backend's original (unpatched) BatchMatMul, for the fused LSTM's untransposed calls. */
export function originalWasmMatMul(): KernelFunc {
  return originals?.matMul ?? requireKernel("BatchMatMul");
}

function requireKernel(name: string): KernelFunc {
  const k = getKernel(name, "wasm");
  if (k === undefined) throw new Error(`wasm kernel ${name} is not registered (is @tensorflow/tfjs-backend-wasm loaded?)`);
  return k.kernelFunc;
}

function single(out: TensorInfo | TensorInfo[]): TensorInfo {
  return Array.isArray(out) ? (out[0] as TensorInfo) : out;
}

function transposeLast2(backend: KernelBackend, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return single(requireKernel("Transpose")({ inputs: { x }, backend, attrs: { perm } }));
}

function patchedMatMul(original: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const backend = args.backend as KernelBackend;
    const a = args.inputs["a"];
    const b = args.inputs["b"];
    const transposeA = args.attrs?.["transposeA"] === true;
    const transposeB = args.attrs?.["transposeB"] === true;
    if (a === undefined || b === undefined) throw new Error("BatchMatMul: missing input");
    const batchA = util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = util.sizeFromShape(b.shape.slice(0, -2));
    // XNNPACK only runs unbatched matMuls; batched ones stay with the original kernel.
    if ((!transposeA && !transposeB) || batchA !== 1 || batchB !== 1 || a.dtype !== "float32") {
      return original(args);
    }
    const wasm = backend as unknown as WasmBackendLike;
    // XNNPACK packs the right operand as "weights" on every call: when it is the larger one and A
    // is transposed (every dL/dW = xᵀ·dy), compute Cᵀ = Bᵀ·A instead (A is then the packed
    // operand) and transpose the small result back.
    if (transposeA && !transposeB && util.sizeFromShape(b.shape) > util.sizeFromShape(a.shape)) {
      const bT = transposeLast2(backend, b);
      const cT = single(original({ ...args, inputs: { a: bT, b: a }, attrs: { transposeA: false, transposeB: false } }));
      wasm.disposeData(bT.dataId);
      const out = transposeLast2(backend, cT);
      wasm.disposeData(cT.dataId);
      return out;
    }
    const a2 = transposeA ? transposeLast2(backend, a) : a;
    const b2 = transposeB ? transposeLast2(backend, b) : b;
    const out = original({ ...args, inputs: { a: a2, b: b2 }, attrs: { transposeA: false, transposeB: false } });
    if (transposeA) wasm.disposeData(a2.dataId);
    if (transposeB) wasm.disposeData(b2.dataId);
    return out;
  };
}

function patchedSlice(original: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs["x"];
    if (x === undefined || x.dtype !== "float32" || x.shape.length > 4) return original(args);
    const wasm = args.backend as unknown as WasmBackendLike;
    const [begin = [], size = []] = slice_util.parseSliceParams(
      x,
      args.attrs?.["begin"] as number | number[],
      args.attrs?.["size"] as number | number[] | undefined,
    );
    const out = wasm.makeOutput(size, x.dtype);
    if (util.sizeFromShape(size) === 0) return out;
    // Views only after makeOutput: allocating may grow (and detach) the heap.
    const src = wasm.typedArrayFromHeap(x);
    const dst = wasm.typedArrayFromHeap(out);
    const strides = util.computeStrides(x.shape);
    if (slice_util.isSliceContinous(x.shape, begin, size)) {
      const offset = slice_util.computeFlatOffset(begin, strides);
      dst.set(src.subarray(offset, offset + dst.length));
      return out;
    }
    // Copy rows of the innermost dimension.
    const rank = x.shape.length;
    const inner = size[rank - 1] as number;
    const outer = dst.length / inner;
    const idx = new Array<number>(rank - 1).fill(0);
    for (let r = 0; r < outer; r++) {
      let off = begin[rank - 1] as number;
      for (let d = 0; d < rank - 1; d++) off += ((begin[d] as number) + (idx[d] as number)) * (strides[d] as number);
      dst.set(src.subarray(off, off + inner), r * inner);
      for (let d = rank - 2; d >= 0; d--) {
        idx[d] = (idx[d] as number) + 1;
        if ((idx[d] as number) < (size[d] as number)) break;
        idx[d] = 0;
      }
    }
    return out;
  };
}

function patchedIdentity(original: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs["x"];
    if (x === undefined || x.dtype === "string") return original(args);
    (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

function replace(name: string, patch: (original: KernelFunc) => KernelFunc): KernelFunc {
  const config = getKernel(name, "wasm");
  if (config === undefined) throw new Error(`wasm kernel ${name} is not registered`);
  unregisterKernel(name, "wasm");
  registerKernel({ ...config, kernelFunc: patch(config.kernelFunc) });
  return config.kernelFunc;
}

/** Replaces the wasm BatchMatMul, Slice and Identity kernels (once per process). Call after the wasm backend is ready. */
export function installWasmPatches(): void {
  if (originals !== undefined) return;
  originals = {
    matMul: replace("BatchMatMul", patchedMatMul),
    slice: replace("Slice", patchedSlice),
    identity: replace("Identity", patchedIdentity),
  };
}

/** The unpatched kernels (for parity tests). */
export function originalWasmKernels(): Originals | undefined {
  return originals;
}
