/**
 * The fused LSTM kernels: one kernel runs a whole layer (one direction) over the sequence, input
 * projection included; one runs its backpropagation through time and every weight gradient.
 * Registered for the `wasm` and `cpu` backends.
 *
 * Notation (time-major, as inside the kernels):
 * - `T` time steps, `B` batch, `I` inputs, `H` hidden units; gate order i, f, g, o (PyTorch's).
 * - Forward inputs: `x` (T, B, I), `wih` (I, 4H), `b` (4H), `whh` (H, 4H), `h0`, `c0` (B, H);
 *   attribute `reverse` runs the recurrence from t = T-1 down to 0 (states stay at their time index).
 *   The projection x·W_ih for all steps is one matMul inside the kernel and is freed before it
 *   returns (it is never needed again).
 * - Forward outputs: `hc` (T+1, B, H) = the hidden states h_1..h_T followed by the final cell state
 *   c_T (one output, so the op has one gradient input), `cSeq` (T, B, H) every cell state and
 *   `gates` (T, B, 4H) the activated gates (both kept for BPTT only).
 * - Backward inputs: `dhc` (T+1, B, H) = dL/dh_1..dL/dh_T, dL/dc_T, and the forward's inputs and
 *   outputs. Backward outputs: `dx` (T, B, I), `dwih`, `db`, `dwhh`, `dh0`, `dc0`. The gate
 *   gradients dz (T, B, 4H) stay inside: dW_ih = xᵀ·dz and dW_hh = h_prevᵀ·dz are computed as
 *   (dzᵀ·x)ᵀ and (dzᵀ·h_prev)ᵀ so XNNPACK packs the smaller operand, and dx = dz·W_ihᵀ.
 *
 * The only per-step matMuls are h_{t-1} · W_hh (forward) and dz_t · W_hhᵀ (backward), both run by
 * the backend's own BatchMatMul kernel (XNNPACK on wasm) with `whh` / a once-transposed `whhᵀ` as
 * the weights operand, so XNNPACK packs the weights once per batch. The gate arithmetic of each step
 * runs in place on the backend's memory: on wasm as one call into `lstm-gates.wasm` (SIMD, sharing
 * the tfjs heap, see `lstm-gates.ts`), on cpu in JS over the backend's typed arrays.
 *
 * On wasm where the native kernels were built (`native-lstm.ts`, HYPERQ_NATIVE_KERNELS not `off`),
 * each kernel is instead a single call into them: the same inputs and outputs, every product and
 * gate of the layer in C++ on the same heap.
 */
import { getKernel } from "@tensorflow/tfjs-core";
import type { DataType, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { gateKernelsFor } from "./lstm-gates.ts";
import type { GateKernels } from "./lstm-gates.ts";
import { nativeLstm } from "./native-lstm.ts";
import type { NativeLstm } from "./native-lstm.ts";

type KernelArgs = Parameters<KernelFunc>[0];

export const LSTM_FORWARD_KERNEL = "HyperqLstmForward";
export const LSTM_BACKWARD_KERNEL = "HyperqLstmBackward";

/** The memory of one backend as seen by the kernels. */
interface Arena {
  alloc(shape: number[]): TensorInfo;
  /** A view of the tensor's values; invalid after the next `alloc`/`matMul` on wasm (heap growth). */
  view(t: TensorInfo): Float32Array;
  free(t: TensorInfo): void;
  /** a (m, k) · b (k, n), untransposed (the fast path on every backend). */
  matMul(a: TensorInfo, b: TensorInfo): TensorInfo;
  /** xᵀ of a 2-D tensor. */
  transpose(x: TensorInfo): TensorInfo;
  /**
   * out = a (m, k) · b (k, n) into an existing tensor, allocating nothing: views taken before the
   * call stay valid, so the per-step loops take their views once.
   */
  matMulInto(a: TensorInfo, b: TensorInfo, out: TensorInfo): void;
  /** out = σ(x) elementwise into an existing tensor of the same size (vectorised on wasm). */
  sigmoidInto(x: TensorInfo, out: TensorInfo): void;
  /**
   * On wasm: the SIMD gate kernels working in place on the heap, and each tensor's byte offset in
   * it (stable until the tensor is freed). Absent on cpu, where the gate arithmetic runs in JS.
   */
  simd?: { kernels: GateKernels; ptr(t: TensorInfo): number };
  /**
   * On wasm where the native kernels were built (and not switched off): whole-layer forward and
   * BPTT in C++ on the same heap. `heap()` must be read after the last allocation (heap growth
   * replaces the buffer).
   */
  native?: { lib: NativeLstm; heap(): ArrayBuffer; ptr(t: TensorInfo): number };
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number | null } | undefined };
  wasm: { asm: { memory: WebAssembly.Memory }; cwrap(name: string, returnType: null, argTypes: string[]): (...args: unknown[]) => void };
}

/**
 * The wasm module's C entry points, called directly on preallocated tensors (signatures of
 * tfjs-backend-wasm 4.22.0, pinned; the parity tests catch a change).
 */
interface WasmFns {
  batchMatMul: (...args: unknown[]) => void;
  sigmoid: (...args: unknown[]) => void;
}
const wasmFns = new WeakMap<object, WasmFns>();

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}
interface CpuBackendLike {
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array): TensorInfo;
  data: { get(dataId: object): { values?: unknown } | undefined };
  disposeData(dataId: object): boolean;
}

function kernelOf(name: string, backendName: string): KernelFunc {
  const k = getKernel(name, backendName);
  if (k === undefined) throw new Error(`tfjs kernel ${name} is not registered for backend ${backendName}`);
  return k.kernelFunc;
}

function runMatMul(matMul: KernelFunc, backend: KernelBackend, a: TensorInfo, b: TensorInfo): TensorInfo {
  const out = matMul({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } });
  return Array.isArray(out) ? (out[0] as TensorInfo) : out;
}

function runTranspose(transpose: KernelFunc, backend: KernelBackend, x: TensorInfo): TensorInfo {
  const out = transpose({ inputs: { x }, backend, attrs: { perm: [1, 0] } });
  return Array.isArray(out) ? (out[0] as TensorInfo) : out;
}

function makeArena(backend: KernelBackend, backendName: string, matMulKernel: KernelFunc): Arena {
  const transposeKernel = kernelOf("Transpose", backendName);
  const common = {
    matMul: (a: TensorInfo, b: TensorInfo) => runMatMul(matMulKernel, backend, a, b),
    transpose: (x: TensorInfo) => runTranspose(transposeKernel, backend, x),
  };
  if (backendName === "wasm") {
    const wasm = backend as unknown as WasmBackendLike;
    let fns = wasmFns.get(wasm);
    if (fns === undefined) {
      fns = {
        batchMatMul: wasm.wasm.cwrap("BatchMatMul", null, ["number", "array", "number", "number", "array", "number", "number", "number", "number"]),
        sigmoid: wasm.wasm.cwrap("Sigmoid", null, ["number", "number"]),
      };
      wasmFns.set(wasm, fns);
    }
    const { batchMatMul, sigmoid } = fns;
    const id = (t: TensorInfo): number => {
      const d = wasm.dataIdMap.get(t.dataId);
      if (d === undefined) throw new Error("fused LSTM: tensor is not on the wasm backend");
      return d.id;
    };
    const ptr = (t: TensorInfo): number => {
      const offset = wasm.dataIdMap.get(t.dataId)?.memoryOffset;
      if (offset === undefined || offset === null) throw new Error("fused LSTM: tensor has no wasm heap memory");
      return offset;
    };
    const lib = nativeLstm();
    return {
      ...common,
      ...(lib === undefined ? {} : { native: { lib, ptr, heap: () => wasm.wasm.asm.memory.buffer } }),
      alloc: (shape) => wasm.makeOutput(shape, "float32"),
      view: (t) => wasm.typedArrayFromHeap(t),
      free: (t) => void wasm.disposeData(t.dataId),
      matMulInto: (a, b, out) => {
        const [m, k] = a.shape as [number, number];
        const n = b.shape[1] as number;
        // XNNPACK path: rank-3 with batch 1, untransposed; b is packed once per tensor id and cached.
        batchMatMul(id(a), shapeBytes([1, m, k]), 3, id(b), shapeBytes([1, k, n]), 3, false, false, id(out));
      },
      sigmoidInto: (x, out) => sigmoid(id(x), id(out)),
      simd: { kernels: gateKernelsFor(wasm.wasm.asm.memory), ptr },
    };
  }
  const cpu = backend as unknown as CpuBackendLike;
  const view = (t: TensorInfo): Float32Array => {
    const values = cpu.data.get(t.dataId)?.values;
    if (!(values instanceof Float32Array)) throw new Error("fused LSTM: expected float32 values on the cpu backend");
    return values;
  };
  return {
    ...common,
    alloc: (shape) => cpu.makeTensorInfo(shape, "float32", new Float32Array(shape.reduce((a, b) => a * b, 1))),
    view,
    free: (t) => void cpu.disposeData(t.dataId),
    matMulInto: (a, b, out) => {
      const r = common.matMul(a, b);
      view(out).set(view(r));
      cpu.disposeData(r.dataId);
    },
    sigmoidInto: (x, out) => {
      const xv = view(x);
      const ov = view(out);
      for (let i = 0; i < xv.length; i++) ov[i] = 1 / (1 + Math.exp(-(xv[i] as number)));
    },
  };
}

// A float32-accurate rational approximation of tanh (max abs error 2.6e-7 on the real line), the
// minimax form Eigen uses for float tanh: x·P(x²)/Q(x²) on [-7.905, 7.905], ±1 beyond (where
// float32 tanh rounds to ±1). Three times faster than Math.tanh in V8, which is what the gate
// arithmetic spends its time on.
const TANH_CLAMP = 7.90531110763549805;
const A1 = 4.89352455891786e-3;
const A3 = 6.37261928875436e-4;
const A5 = 1.48572235717979e-5;
const A7 = 5.12229709037114e-8;
const A9 = -8.60467152213735e-11;
const A11 = 2.00018790482477e-13;
const A13 = -2.76076847742355e-16;
const B0 = 4.89352518554385e-3;
const B2 = 2.268434632439e-3;
const B4 = 1.18534705686654e-4;
const B6 = 1.19825839466702e-6;

export function fastTanh(z: number): number {
  const x = z > TANH_CLAMP ? TANH_CLAMP : z < -TANH_CLAMP ? -TANH_CLAMP : z;
  const x2 = x * x;
  const p = x * (A1 + x2 * (A3 + x2 * (A5 + x2 * (A7 + x2 * (A9 + x2 * (A11 + x2 * A13))))));
  return p / (B0 + x2 * (B2 + x2 * (B4 + x2 * B6)));
}

/** σ(z) = (1 + tanh(z/2)) / 2. */
export function fastSigmoid(z: number): number {
  return 0.5 + 0.5 * fastTanh(0.5 * z);
}

interface Inputs {
  [name: string]: TensorInfo | undefined;
}
function input(inputs: Inputs, name: string): TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new Error(`fused LSTM kernel: missing input ${name}`);
  return t;
}

/** The same data seen with another shape (no copy; the kernels read `shape` from the info). */
function as2d(t: TensorInfo, rows: number, cols: number): TensorInfo {
  return { dataId: t.dataId, shape: [rows, cols], dtype: t.dtype };
}

/**
 * Forward pass over the whole sequence. See the file comment for inputs and outputs.
 *
 * Per step: z = xw_t + h_{t-1}·W_hh (one matMul), then every gate through one vectorised sigmoid
 * call — the g gate as tanh(z) = 2σ(2z) − 1 — and tanh(c_t) likewise as 2σ(2c_t) − 1, so the JS
 * passes only add and multiply.
 */
function lstmForward(arena: Arena, inputs: Inputs, reverse: boolean): TensorInfo[] {
  const x = input(inputs, "x");
  const wih = input(inputs, "wih");
  const bias = input(inputs, "b");
  const whh = input(inputs, "whh");
  const h0 = input(inputs, "h0");
  const c0 = input(inputs, "c0");
  const [T, B, I] = x.shape as [number, number, number];
  const H4 = wih.shape[1] as number;
  const H = H4 / 4;
  if (arena.native !== undefined) {
    const { lib, ptr, heap } = arena.native;
    const out = [arena.alloc([T + 1, B, H]), arena.alloc([T, B, H]), arena.alloc([T, B, H4])];
    lib.forward(heap(), T, B, I, H, reverse ? 1 : 0, ...[x, wih, bias, whh, h0, c0, ...out].map(ptr));
    return out;
  }
  const H2 = 2 * H;
  const H3 = 3 * H;
  const BH = B * H;
  const BH4 = B * H4;
  const xw = arena.matMul(as2d(x, T * B, I), wih);
  const hc = arena.alloc([T + 1, B, H]);
  const cSeq = arena.alloc([T, B, H]);
  const gates = arena.alloc([T, B, H4]);
  const hPrev = arena.alloc([B, H]);
  const rec = arena.alloc([B, H4]);
  const act = arena.alloc([B, H4]);
  const twoC = arena.alloc([B, H]);
  const tanhC = arena.alloc([B, H]);
  // Nothing below allocates until the loop ends, so these views stay valid.
  const zx = arena.view(xw);
  const bv = arena.view(bias);
  const z = arena.view(rec);
  const sg = arena.view(act);
  const gv = arena.view(gates);
  const cv = arena.view(cSeq);
  const c2 = arena.view(twoC);
  const sc = arena.view(tanhC);
  const hv = arena.view(hc);
  const hp = arena.view(hPrev);
  const c0v = arena.view(c0);
  hp.set(arena.view(h0));
  // `reverse` reads the sequence from its end (the backward half of a bidirectional layer) but
  // stores every state at its original time index, so no reversed copies are ever made.
  const step = reverse ? -1 : 1;
  if (arena.simd !== undefined) {
    // The SIMD kernel does the whole step's gate arithmetic in place (exact sigmoid/tanh forms).
    const { kernels, ptr } = arena.simd;
    const [pz, pzx, pb, pg, pc, ph, phPrev, pc0] = [rec, xw, bias, gates, cSeq, hc, hPrev, c0].map(ptr) as number[] as [number, number, number, number, number, number, number, number];
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      arena.matMulInto(hPrev, whh, rec);
      const cPrevPtr = s === 0 ? pc0 : pc + 4 * (t - step) * BH;
      kernels.forwardStep(B, H, pz, pzx + 4 * t * BH4, pb, cPrevPtr, pg + 4 * t * BH4, pc + 4 * t * BH, ph + 4 * t * BH, phPrev);
    }
  }
  for (let s = 0; arena.simd === undefined && s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const xOff = t * BH4;
    const sOff = t * BH;
    // z = x_t·W_ih + h_{t-1}·W_hh + b, with the g block doubled.
    arena.matMulInto(hPrev, whh, rec);
    for (let b = 0; b < B; b++) {
      const r = b * H4;
      const xo = xOff + r;
      for (let k = 0; k < H2; k++) z[r + k] = (z[r + k] as number) + (zx[xo + k] as number) + (bv[k] as number);
      for (let k = H2; k < H3; k++) z[r + k] = 2 * ((z[r + k] as number) + (zx[xo + k] as number) + (bv[k] as number));
      for (let k = H3; k < H4; k++) z[r + k] = (z[r + k] as number) + (zx[xo + k] as number) + (bv[k] as number);
    }
    arena.sigmoidInto(rec, act);
    const cPrev = s === 0 ? c0v : cv;
    const cPrevOff = s === 0 ? 0 : (t - step) * BH;
    for (let b = 0; b < B; b++) {
      const r = b * H4;
      const q = b * H;
      for (let j = 0; j < H; j++) {
        const k = r + j;
        const gi = sg[k] as number;
        const gf = sg[k + H] as number;
        const gg = 2 * (sg[k + H2] as number) - 1;
        const c = gf * (cPrev[cPrevOff + q + j] as number) + gi * gg;
        gv[xOff + k] = gi;
        gv[xOff + k + H] = gf;
        gv[xOff + k + H2] = gg;
        gv[xOff + k + H3] = sg[k + H3] as number;
        cv[sOff + q + j] = c;
        c2[q + j] = 2 * c;
      }
    }
    arena.sigmoidInto(twoC, tanhC);
    for (let b = 0; b < B; b++) {
      const r = xOff + b * H4 + H3;
      const q = b * H;
      for (let j = 0; j < H; j++) {
        const h = (gv[r + j] as number) * (2 * (sc[q + j] as number) - 1);
        hv[sOff + q + j] = h;
        hp[q + j] = h;
      }
    }
  }
  arena.free(rec);
  arena.free(act);
  arena.free(tanhC);
  const tLast = reverse ? 0 : T - 1;
  hv.set(T > 0 ? cv.subarray(tLast * BH, (tLast + 1) * BH) : c0v, T * BH);
  arena.free(hPrev);
  arena.free(twoC);
  arena.free(xw);
  return [hc, cSeq, gates];
}

/** Backpropagation through time. Inputs: dhc (T+1,B,H), x, wih, whh, h0, c0, hc, cSeq, gates. */
function lstmBackward(arena: Arena, inputs: Inputs, reverse: boolean): TensorInfo[] {
  const dh = input(inputs, "dhc");
  const x = input(inputs, "x");
  const wih = input(inputs, "wih");
  const whh = input(inputs, "whh");
  const h0 = input(inputs, "h0");
  const c0 = input(inputs, "c0");
  const hSeq = input(inputs, "hc");
  const cSeq = input(inputs, "cSeq");
  const gates = input(inputs, "gates");
  const [T, B, I] = x.shape as [number, number, number];
  const H4 = wih.shape[1] as number;
  const H = H4 / 4;
  if (arena.native !== undefined) {
    const { lib, ptr, heap } = arena.native;
    // dx, dwih, db, dwhh, dh0, dc0
    const out = [arena.alloc([T, B, I]), arena.alloc([I, H4]), arena.alloc([H4]), arena.alloc([H, H4]), arena.alloc([B, H]), arena.alloc([B, H])];
    lib.backward(heap(), T, B, I, H, reverse ? 1 : 0, ...[dh, x, wih, whh, h0, c0, hSeq, cSeq, gates, ...out].map(ptr));
    return out;
  }
  const BH = B * H;
  const BH4 = B * H4;
  const whhT = arena.transpose(whh);
  const dxw = arena.alloc([T, B, H4]);
  const dc = arena.alloc([B, H]);
  const dzStep = arena.alloc([B, H4]);
  const dh0 = arena.alloc([B, H]); // dL/dh_{t-1} through W_hh, ending as dL/dh0
  // Nothing below allocates until the loop ends, so these views stay valid.
  const dhv = arena.view(dh);
  const dr = arena.view(dh0);
  const gv = arena.view(gates);
  const cv = arena.view(cSeq);
  const dcv = arena.view(dc);
  const dz = arena.view(dzStep);
  const dxv = arena.view(dxw);
  const c0v = arena.view(c0);
  dcv.set(dhv.subarray(T * BH, (T + 1) * BH));
  dr.fill(0);
  const step = reverse ? -1 : 1;
  if (arena.simd !== undefined) {
    const { kernels, ptr } = arena.simd;
    const [pg, pc, pc0, pdh, pdr, pdc, pdz, pdxw] = [gates, cSeq, c0, dh, dh0, dc, dzStep, dxw].map(ptr) as number[] as [number, number, number, number, number, number, number, number];
    for (let s = T - 1; s >= 0; s--) {
      const t = reverse ? T - 1 - s : s;
      const cPrevPtr = s === 0 ? pc0 : pc + 4 * (t - step) * BH;
      kernels.backwardStep(B, H, pg + 4 * t * BH4, pc + 4 * t * BH, cPrevPtr, pdh + 4 * t * BH, pdr, pdc, pdz, pdxw + 4 * t * BH4);
      arena.matMulInto(dzStep, whhT, dh0);
    }
  }
  // Steps in the opposite order of the forward pass (s is the forward's step count).
  for (let s = T - 1; arena.simd === undefined && s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const cPrev = s === 0 ? c0v : cv;
    const cPrevOff = s === 0 ? 0 : (t - step) * BH;
    const sOff = t * BH;
    const gOff = t * BH4;
    for (let b = 0; b < B; b++) {
      const r = b * H4;
      const bh = b * H;
      for (let j = 0; j < H; j++) {
        const k = r + j;
        const q = bh + j;
        const gi = gv[gOff + k] as number;
        const gf = gv[gOff + k + H] as number;
        const gg = gv[gOff + k + 2 * H] as number;
        const go = gv[gOff + k + 3 * H] as number;
        const tc = fastTanh(cv[sOff + q] as number);
        const dhq = (dhv[sOff + q] as number) + (dr[q] as number);
        const dcq = (dcv[q] as number) + dhq * go * (1 - tc * tc);
        dz[k] = dcq * gg * gi * (1 - gi);
        dz[k + H] = dcq * (cPrev[cPrevOff + q] as number) * gf * (1 - gf);
        dz[k + 2 * H] = dcq * gi * (1 - gg * gg);
        dz[k + 3 * H] = dhq * tc * go * (1 - go);
        dcv[q] = dcq * gf;
      }
    }
    dxv.set(dz, gOff);
    arena.matMulInto(dzStep, whhT, dh0);
  }
  arena.free(dzStep);
  arena.free(whhT);

  // h_prev (T·B, H): the state each step read — [h0, h_1 .. h_{T-1}], or in reverse [h_2 .. h_T, h0].
  const hPrev = arena.alloc([T * B, H]);
  if (T > 0) {
    const hp = arena.view(hPrev);
    const hs = arena.view(hSeq);
    if (reverse) {
      hp.set(hs.subarray(BH, T * BH), 0);
      hp.set(arena.view(h0), (T - 1) * BH);
    } else {
      hp.set(arena.view(h0), 0);
      hp.set(hs.subarray(0, (T - 1) * BH), BH);
    }
  }
  const dz2d = as2d(dxw, T * B, H4);
  const dzT = arena.transpose(dz2d); // (4H, T·B)
  const dwihT = arena.matMul(dzT, as2d(x, T * B, I)); // (4H, I)
  const dwih = arena.transpose(dwihT);
  arena.free(dwihT);
  const dwhhT = arena.matMul(dzT, hPrev); // (4H, H)
  const dwhh = arena.transpose(dwhhT);
  arena.free(dwhhT);
  arena.free(hPrev);
  // db = Σ over steps and batch of dz: row sums of dzᵀ.
  const db = arena.alloc([H4]);
  if (arena.simd !== undefined) {
    arena.simd.kernels.rowSums(H4, T * B, arena.simd.ptr(dzT), arena.simd.ptr(db));
  } else {
    const dzt = arena.view(dzT);
    const dbv = arena.view(db);
    const n = T * B;
    for (let k = 0; k < H4; k++) {
      let sum = 0;
      const row = k * n;
      for (let i = 0; i < n; i++) sum += dzt[row + i] as number;
      dbv[k] = sum;
    }
  }
  arena.free(dzT);
  const wihT = arena.transpose(wih); // (4H, I)
  const dx2d = arena.matMul(dz2d, wihT); // (T·B, I)
  arena.free(wihT);
  arena.free(dxw);
  const dx: TensorInfo = { dataId: dx2d.dataId, shape: [T, B, I], dtype: dx2d.dtype };
  return [dx, dwih, db, dwhh, dh0, dc];
}

/**
 * Kernel configs for one backend. `matMulKernel` is the backend's untransposed matMul (on wasm, the
 * original XNNPACK-backed BatchMatMul).
 */
export function fusedLstmKernelConfigs(backendName: "wasm" | "cpu", matMulKernel: KernelFunc): KernelConfig[] {
  const wrap =
    (body: (arena: Arena, inputs: Inputs, reverse: boolean) => TensorInfo[]): KernelFunc =>
    (args: KernelArgs) =>
      body(makeArena(args.backend as KernelBackend, backendName, matMulKernel), args.inputs, args.attrs?.["reverse"] === true);
  return [
    { kernelName: LSTM_FORWARD_KERNEL, backendName, kernelFunc: wrap(lstmForward) },
    { kernelName: LSTM_BACKWARD_KERNEL, backendName, kernelFunc: wrap(lstmBackward) },
  ];
}
