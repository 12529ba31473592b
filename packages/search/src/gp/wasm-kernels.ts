/**
 * Loads `gp-kernels.wasm` (built from `assembly/gp-kernels.ts`) and runs the GP's hottest kernel,
 * the log marginal likelihood with its gradient, inside it: the same arithmetic with 128-bit SIMD
 * is about 4× faster than V8's scalar code for the O(n³) Cholesky and inverse.
 *
 * Memory layout of the module's linear memory, from the first byte past its static data:
 *   X (n·d) | y (n) | θ (d + 2) | gradient (d + 2) | workspace (`lmlWorkBytes`)
 * grown on demand; everything is f64 and copied in per call (O(n·d), against O(n³) of work).
 */
import { readFileSync } from "node:fs";

interface Exports {
  memory: WebAssembly.Memory;
  lmlWorkBytes(n: number, d: number): number;
  lml(n: number, d: number, X: number, y: number, theta: number, grad: number, work: number): number;
}

const PAGE = 65536;

function instantiate(): Exports {
  const bytes = readFileSync(new URL("./gp-kernels.wasm", import.meta.url));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: {
      abort: () => {
        throw new Error("gp-kernels.wasm aborted");
      },
    },
  });
  return instance.exports as unknown as Exports;
}

let kernels: Exports | undefined;
let base = 0;

function load(): Exports {
  if (!kernels) {
    kernels = instantiate();
    base = kernels.memory.buffer.byteLength;
  }
  return kernels;
}

/** The module's memory as f64, grown when needed to hold `bytes` bytes from `base`. */
function arena(k: Exports, bytes: number): Float64Array {
  const need = base + bytes - k.memory.buffer.byteLength;
  if (need > 0) k.memory.grow(Math.ceil(need / PAGE));
  return new Float64Array(k.memory.buffer);
}

/** `logMarginalLikelihood` (see `regressor.ts`) computed in WebAssembly. */
export function wasmLogMarginalLikelihood(X: Float64Array, y: Float64Array, n: number, d: number, theta: ArrayLike<number>, grad?: Float64Array): number {
  const k = load();
  const p = d + 2;
  const offX = base;
  const offY = offX + 8 * n * d;
  const offTheta = offY + 8 * n;
  const offGrad = offTheta + 8 * p;
  const offWork = offGrad + 8 * p;
  const f64 = arena(k, offWork - base + k.lmlWorkBytes(n, d));
  f64.set(X.subarray(0, n * d), offX / 8);
  f64.set(y.subarray(0, n), offY / 8);
  for (let j = 0; j < p; j++) f64[offTheta / 8 + j] = theta[j] as number;
  const value = k.lml(n, d, offX, offY, offTheta, grad ? offGrad : 0, offWork);
  if (grad) grad.set(f64.subarray(offGrad / 8, offGrad / 8 + p));
  return value;
}
