/**
 * Loads `lstm-gates.wasm` (built from `assembly/lstm-gates.ts`, 128-bit SIMD): the per-step gate
 * arithmetic of the fused LSTM kernels on the wasm backend. The module imports the backend's own
 * memory, so it works on tensors in place: every argument is a tensor's byte offset in the heap.
 * One instance per heap (a process normally has one).
 */
import { readFileSync } from "node:fs";

/** The module's entry points; pointers are byte offsets into the imported heap, sizes in elements. */
export interface GateKernels {
  /** One forward step: gates, c_t, h_t (twice) from h_{t−1}·W_hh, x_t·W_ih, the bias and c_{t−1}. */
  forwardStep(B: number, H: number, z: number, zx: number, bias: number, cPrev: number, gates: number, c: number, h: number, hNext: number): void;
  /** One BPTT step: dz (twice) and dL/dc_{t−1} (in place of dL/dc_t). */
  backwardStep(B: number, H: number, gates: number, c: number, cPrev: number, dhOut: number, dr: number, dc: number, dz: number, dzAll: number): void;
  /** Row sums of a (rows, n) matrix. */
  rowSums(rows: number, n: number, m: number, out: number): void;
}

let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, GateKernels>();

/** The gate kernels working on `memory` (instantiated on first use). */
export function gateKernelsFor(memory: WebAssembly.Memory): GateKernels {
  let k = instances.get(memory);
  if (k === undefined) {
    compiled ??= new WebAssembly.Module(readFileSync(new URL("./lstm-gates.wasm", import.meta.url)));
    k = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as GateKernels;
    instances.set(memory, k);
  }
  return k;
}
