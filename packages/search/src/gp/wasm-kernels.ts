/**
 * Loads `gp-kernels.wasm` (built from `assembly/gp-kernels.ts`) and runs the GP's hot kernels in
 * it: the log marginal likelihood with its gradient (the same arithmetic with 128-bit SIMD is
 * 7–8× faster than V8's scalar code for the O(n³) Cholesky and inverse) and the posterior at a
 * point (the O(n²) triangular solves of every acquisition evaluation).
 *
 * One arena in the module's linear memory, from the first byte past its static data, grown on
 * demand, all f64. The likelihood copies its inputs in per call (O(n·d) against O(n³) of work):
 *   X (n·d) | y (n) | θ (d + 2) | gradient (d + 2) | workspace (`lmlWorkBytes`)
 * A posterior is copied in once and stays resident until another posterior or the likelihood
 * takes the arena (O(n²), against thousands of O(n²) predictions per suggestion):
 *   X (n·d) | L (n²) | α (n) | 1/ℓ² (d) | x (d) | mean, variance (2) | ∂mean (d) | ∂variance (d) | workspace
 */
import { readFileSync } from "node:fs";

interface Exports {
  memory: WebAssembly.Memory;
  lmlWorkBytes(n: number, d: number): number;
  lml(n: number, d: number, X: number, y: number, theta: number, grad: number, work: number): number;
  predictWorkBytes(n: number, d: number): number;
  predict(n: number, d: number, X: number, L: number, alpha: number, inv: number, s2: number, x: number, out: number, dMean: number, dVar: number, work: number): void;
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
/** Which posterior's data is in the arena (0: none). */
let resident = 0;
let posteriors = 0;

function load(): Exports {
  if (!kernels) {
    kernels = instantiate();
    base = kernels.memory.buffer.byteLength;
  }
  return kernels;
}

let view: Float64Array<ArrayBufferLike> = new Float64Array(0);

/** The module's memory as f64, grown when needed to hold `bytes` bytes from `base`; one view per buffer. */
function arena(k: Exports, bytes: number): Float64Array<ArrayBufferLike> {
  const need = base + bytes - k.memory.buffer.byteLength;
  if (need > 0) k.memory.grow(Math.ceil(need / PAGE));
  if (view.buffer !== k.memory.buffer) view = new Float64Array(k.memory.buffer);
  return view;
}

/** `logMarginalLikelihood` (see `regressor.ts`) computed in WebAssembly. */
export function wasmLogMarginalLikelihood(X: Float64Array, y: Float64Array, n: number, d: number, theta: ArrayLike<number>, grad?: Float64Array): number {
  const k = load();
  resident = 0;
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

/**
 * Posterior mean and variance of a GP at a point (no variance floor), computed in WebAssembly.
 * Holds references to the caller's arrays, which must not change afterwards.
 */
export class WasmPosterior {
  private readonly id = ++posteriors;
  private off = { x: 0, out: 0, dMean: 0, dVar: 0 };
  private f64: Float64Array<ArrayBufferLike> = new Float64Array(0);

  constructor(
    private readonly X: Float64Array,
    private readonly L: Float64Array,
    private readonly alpha: Float64Array,
    private readonly n: number,
    private readonly d: number,
    private readonly invLs2: Float64Array,
    private readonly signalVar: number,
  ) {}

  /** Copies the posterior into the arena unless it is there already. */
  private enter(k: Exports): void {
    if (resident === this.id && this.f64.buffer === k.memory.buffer) return;
    const { n, d } = this;
    const X = base;
    const L = X + 8 * n * d;
    const alpha = L + 8 * n * n;
    const inv = alpha + 8 * n;
    const x = inv + 8 * d;
    const out = x + 8 * d;
    const dMean = out + 16;
    const dVar = dMean + 8 * d;
    const work = dVar + 8 * d;
    const f64 = arena(k, work - base + k.predictWorkBytes(n, d));
    f64.set(this.X.subarray(0, n * d), X / 8);
    f64.set(this.L.subarray(0, n * n), L / 8);
    f64.set(this.alpha.subarray(0, n), alpha / 8);
    f64.set(this.invLs2.subarray(0, d), inv / 8);
    this.f64 = f64;
    this.off = { x, out, dMean, dVar };
    this.call = (withGrad) => k.predict(n, d, X, L, alpha, inv, this.signalVar, x, out, withGrad ? dMean : 0, withGrad ? dVar : 0, work);
    resident = this.id;
  }

  private call: (withGrad: boolean) => void = () => undefined;

  predict(x: ArrayLike<number>, dMean?: Float64Array, dVar?: Float64Array): { mean: number; variance: number } {
    this.enter(load());
    const { f64, off } = this;
    for (let j = 0; j < this.d; j++) f64[off.x / 8 + j] = x[j] as number;
    const withGrad = dMean !== undefined && dVar !== undefined;
    this.call(withGrad);
    if (withGrad) {
      dMean.set(f64.subarray(off.dMean / 8, off.dMean / 8 + this.d));
      dVar.set(f64.subarray(off.dVar / 8, off.dVar / 8 + this.d));
    }
    return { mean: f64[off.out / 8] as number, variance: f64[off.out / 8 + 1] as number };
  }
}
