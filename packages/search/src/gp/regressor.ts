/**
 * Gaussian-process regression with a zero mean (outputs are standardized first), a Matérn-5/2 ARD
 * kernel and Gaussian noise; hyperparameters by maximum a posteriori (MAP) fitting.
 *
 * Notations
 *   n, d      observations, input dimension
 *   X         n×d inputs in [0, 1]^d, row-major
 *   y         n standardized outputs
 *   θ         d + 2 log-hyperparameters: [ln ℓ_1 … ln ℓ_d, ln s², ln σ²]
 *   K         k(X, X) + σ² I  (n×n), K = L Lᵀ
 *   α         K⁻¹ y
 *   log p(y|θ) = −½ yᵀα − ½ ln|K| − (n/2) ln 2π
 *   ∂/∂θ_j    = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ_j)        (Rasmussen & Williams 2006, eq. 5.9)
 *
 * Priors (log densities added to log p(y|θ)), in the units where they are stated:
 *   ln ℓ_k ~ Normal(ln 0.5, 1.5²)        measured on the benchmark (see `defaultLengthscalePrior`);
 *                                         Hvarfner, Hellsten & Nardi (ICML 2024) was the start
 *   s²     ~ Gamma(2, 1)                 Optuna `_gp/prior.py`: scale ≈ 1 for standardized y
 *   σ²     ~ Gamma(1.1, 30)              Optuna `_gp/prior.py` (`DEFAULT_NOISE_PRIOR`); a real
 *                                         noise is learned through a second fit start at a
 *                                         large σ² (`FitOptions.noisyStart`); a log-normal prior
 *                                         on σ² is available (`NoisePrior`)
 */
import { choleskyWithJitter, cholSolve } from "./linalg.ts";
import { kernelMatrix, type KernelParams } from "./kernel.ts";
import { minimizeLbfgsb } from "./lbfgsb.ts";
import { WasmPosterior, wasmLogMarginalLikelihood } from "./wasm-kernels.ts";
import type { Rng } from "../rng.ts";

/** GP hyperparameters in natural units. */
export interface GpHyperparams {
  /** ℓ_k, length d. */
  lengthscales: Float64Array;
  signalVar: number;
  noiseVar: number;
}

/** Bounds of the hyperparameters (natural units). */
export interface GpBounds {
  /** @defaultValue [1e-3, 1e3] */
  lengthscale: [number, number];
  /** @defaultValue [1e-2, 1e2] */
  signalVar: [number, number];
  /** @defaultValue [1e-9, 1] */
  noiseVar: [number, number];
}

export const DEFAULT_GP_BOUNDS: GpBounds = { lengthscale: [1e-3, 1e3], signalVar: [1e-2, 1e2], noiseVar: [1e-9, 1] };

export function hyperparamsToTheta(h: GpHyperparams): Float64Array {
  const d = h.lengthscales.length;
  const t = new Float64Array(d + 2);
  for (let k = 0; k < d; k++) t[k] = Math.log(h.lengthscales[k] as number);
  t[d] = Math.log(h.signalVar);
  t[d + 1] = Math.log(h.noiseVar);
  return t;
}

export function thetaToHyperparams(theta: ArrayLike<number>, d: number): GpHyperparams {
  const lengthscales = new Float64Array(d);
  for (let k = 0; k < d; k++) lengthscales[k] = Math.exp(theta[k] as number);
  return { lengthscales, signalVar: Math.exp(theta[d] as number), noiseVar: Math.exp(theta[d + 1] as number) };
}

function kernelParams(h: GpHyperparams): KernelParams {
  return { invLs2: Float64Array.from(h.lengthscales, (l) => 1 / (l * l)), signalVar: h.signalVar };
}

/** Normal prior on ln ℓ_k. */
export interface LengthscalePrior {
  logMean: number;
  logSd: number;
}

/**
 * The default lengthscale prior, ln ℓ ~ Normal(ln 0.5, 1.5²) on unit-box inputs: measured on the
 * benchmark (`pnpm bench:search`), it beat the prior of Hvarfner et al. (2024),
 * Normal(√2 + ½ ln d, √3²), which favours long lengthscales, suits high dimensions, and left
 * Hartmann-6 stuck in a local minimum (mean regret 0.28 against 0.05 at 50 trials).
 */
export function defaultLengthscalePrior(_d: number): LengthscalePrior {
  return { logMean: Math.log(0.5), logSd: 1.5 };
}

/**
 * Prior on the noise variance σ² (on the standardized scale), as a log density of t = ln σ²:
 * - `gamma`: Gamma(shape, rate) on σ² in natural units (no Jacobian, as Optuna): (a − 1) t − b e^t;
 * - `log-normal`: t ~ Normal(logMean, logSd²): −½ ((t − logMean) / logSd)².
 */
export type NoisePrior = { kind: "gamma"; shape: number; rate: number } | { kind: "log-normal"; logMean: number; logSd: number };

/** Optuna's noise prior, Gamma(1.1, 30): mean 0.037, for nearly deterministic objectives. */
export const NEARLY_DETERMINISTIC_NOISE_PRIOR: NoisePrior = { kind: "gamma", shape: 1.1, rate: 30 };

/**
 * The default noise prior: Optuna's Gamma(1.1, 30). With the fit's second start at a large noise
 * (`FitOptions.noisyStart`) it learns a real noise where the data identify it (60 points of a 3-d
 * function, noise 28% of the variance: σ² 0.21); wider priors (ln σ² ~ Normal(ln 0.01, 2.5²),
 * Normal(ln 1e-3, 2²)) learned more noise on sparse 6-d data but measured no better with noise and
 * up to 5× worse on noiseless Branin (`docs/search-notes.md`).
 */
export const DEFAULT_NOISE_PRIOR: NoisePrior = NEARLY_DETERMINISTIC_NOISE_PRIOR;

/** log density of the noise prior at t = ln σ², and its derivative in t. */
export function logNoisePrior(t: number, prior: NoisePrior): { value: number; grad: number } {
  if (prior.kind === "gamma") {
    const e = Math.exp(t);
    return { value: (prior.shape - 1) * t - prior.rate * e, grad: prior.shape - 1 - prior.rate * e };
  }
  const z = (t - prior.logMean) / prior.logSd;
  return { value: -0.5 * z * z, grad: -z / prior.logSd };
}

/** log prior density of θ and its gradient (added into `grad`). */
export function logPrior(theta: ArrayLike<number>, d: number, grad?: Float64Array, ls: LengthscalePrior = defaultLengthscalePrior(d), noise: NoisePrior = DEFAULT_NOISE_PRIOR): number {
  const mu = ls.logMean;
  const sd = ls.logSd;
  let lp = 0;
  for (let k = 0; k < d; k++) {
    const z = ((theta[k] as number) - mu) / sd;
    lp -= 0.5 * z * z;
    if (grad) grad[k] = (grad[k] as number) - z / sd;
  }
  // Gamma(2, 1) on s² = e^t, as a function of t (no Jacobian: MAP in natural units, as Optuna):
  // (a − 1) t − b e^t, derivative (a − 1) − b e^t.
  const ts = theta[d] as number;
  lp += (2 - 1) * ts - 1 * Math.exp(ts);
  const np = logNoisePrior(theta[d + 1] as number, noise);
  lp += np.value;
  if (grad) {
    grad[d] = (grad[d] as number) + 1 - Math.exp(ts);
    grad[d + 1] = (grad[d + 1] as number) + np.grad;
  }
  return lp;
}

/**
 * log p(y | X, θ) = −½ yᵀK⁻¹y − ½ ln|K| − n/2 ln 2π with K = k(X, X) + σ²I, and, when `grad` is
 * given, its gradient in θ = (ln ℓ_1..ln ℓ_d, ln s², ln σ²): ½ tr(W ∂K/∂θ) with W = ααᵀ − K⁻¹,
 * α = K⁻¹y, where ∂K_ij/∂ln s² = K_ij (off the diagonal; s² on it), ∂K_ii/∂ln σ² = σ², and
 * ∂K_ij/∂ln ℓ_k = c_ij Δ_ijk²/ℓ_k² with c_ij = (5/3) s² (1 + √5 r) e^{−√5 r} (from ∂k/∂(r²)).
 * O(n³ + n² d): Cholesky, K⁻¹ from L⁻¹, one pass over the pairs — computed in WebAssembly with
 * 128-bit SIMD (`assembly/gp-kernels.ts`), measured 7–8× faster than the same code in
 * JavaScript at n = 64–100 (1.61 → 0.20 ms at n = 64, 6-d). Returns −Infinity (and a zero
 * gradient) when K cannot be factored.
 */
export function logMarginalLikelihood(X: Float64Array, y: Float64Array, n: number, d: number, theta: ArrayLike<number>, grad?: Float64Array): number {
  return wasmLogMarginalLikelihood(X, y, n, d, theta, grad);
}

export interface FitOptions {
  bounds?: GpBounds;
  /** Extra starting points (θ), e.g. a previous fit. */
  starts?: Float64Array[];
  /** Whether to start from the default point too. @defaultValue true */
  defaultStart?: boolean;
  /** Random restarts drawn from the prior, in addition to the default start. @defaultValue 1 */
  randomRestarts?: number;
  rng?: Rng;
  /** @defaultValue 200 */
  maxIterations?: number;
  /** Stop when the projected gradient's ∞-norm falls below this. @defaultValue 1e-5 */
  pgtol?: number;
  /** Stop on a relative decrease below this. @defaultValue 1e-9 */
  ftol?: number;
  /** @defaultValue `defaultLengthscalePrior(d)` */
  lengthscalePrior?: LengthscalePrior;
  /** @defaultValue `DEFAULT_NOISE_PRIOR` */
  noisePrior?: NoisePrior;
  /** Also start from the default point with σ² = this (a noisy explanation of the data). */
  noisyStart?: number;
}

export interface FitResult {
  hyperparams: GpHyperparams;
  /** log p(y|θ) + log p(θ) at the optimum. */
  logPosterior: number;
  evaluations: number;
}

function thetaBounds(d: number, b: GpBounds): { lower: Float64Array; upper: Float64Array } {
  const lower = new Float64Array(d + 2);
  const upper = new Float64Array(d + 2);
  for (let k = 0; k < d; k++) {
    lower[k] = Math.log(b.lengthscale[0]);
    upper[k] = Math.log(b.lengthscale[1]);
  }
  lower[d] = Math.log(b.signalVar[0]);
  upper[d] = Math.log(b.signalVar[1]);
  lower[d + 1] = Math.log(b.noiseVar[0]);
  upper[d + 1] = Math.log(b.noiseVar[1]);
  return { lower, upper };
}

/**
 * MAP hyperparameters: L-BFGS-B on −(log p(y|θ) + log p(θ)) from a default start (ℓ = 0.5,
 * s² = 1, σ² = 1e-3), the same with σ² = `noisyStart` when given, any given starts, and
 * `randomRestarts` draws from the prior; the best wins.
 * Throws when no start gives a finite posterior.
 */
export function fitHyperparams(X: Float64Array, y: Float64Array, n: number, d: number, options: FitOptions = {}): FitResult {
  const bounds = options.bounds ?? DEFAULT_GP_BOUNDS;
  const { lower, upper } = thetaBounds(d, bounds);
  const starts: Float64Array[] = [];
  const def = new Float64Array(d + 2);
  def.fill(Math.log(0.5), 0, d);
  def[d] = 0;
  def[d + 1] = Math.log(1e-3);
  if (options.defaultStart !== false || !options.starts?.length) starts.push(def);
  if (options.noisyStart !== undefined) {
    const t = Float64Array.from(def);
    t[d + 1] = Math.log(options.noisyStart);
    starts.push(t);
  }
  for (const s of options.starts ?? []) starts.push(Float64Array.from(s));
  const rng = options.rng;
  const lsPrior = options.lengthscalePrior ?? defaultLengthscalePrior(d);
  const noisePrior = options.noisePrior ?? DEFAULT_NOISE_PRIOR;
  if (rng) {
    for (let r = 0; r < (options.randomRestarts ?? 1); r++) {
      const t = new Float64Array(d + 2);
      for (let k = 0; k < d; k++) t[k] = Math.log(0.5) + rng.normal();
      t[d] = 0.5 * rng.normal();
      t[d + 1] = Math.log(1e-4) + 2 * rng.normal();
      starts.push(t);
    }
  }
  const objective = (theta: Float64Array, g: Float64Array): number => {
    const v = logMarginalLikelihood(X, y, n, d, theta, g) + logPrior(theta, d, g, lsPrior, noisePrior);
    for (let i = 0; i < g.length; i++) g[i] = -(g[i] as number);
    return Number.isFinite(v) ? -v : Infinity;
  };
  let best: { theta: Float64Array; f: number } | undefined;
  let evaluations = 0;
  for (const s of starts) {
    const r = minimizeLbfgsb(objective, s, lower, upper, { maxIterations: options.maxIterations ?? 200, pgtol: options.pgtol ?? 1e-5, ftol: options.ftol ?? 1e-9 });
    evaluations += r.evaluations;
    if (Number.isFinite(r.f) && (!best || r.f < best.f)) best = { theta: r.x, f: r.f };
  }
  if (!best) throw new Error(`the marginal likelihood is not finite at any of ${starts.length} starting points`);
  return { hyperparams: thetaToHyperparams(best.theta, d), logPosterior: -best.f, evaluations };
}

/**
 * A GP conditioned on data, for prediction. The kernel matrix is factored here (with jitter
 * escalation); predictions run in WebAssembly (`WasmPosterior`): the acquisition's share of one
 * 6-d suggestion at 100 observations went from about 23 ms in JavaScript to about 7 ms.
 */
export class GaussianProcess {
  readonly L: Float64Array;
  readonly alpha: Float64Array;
  /** Diagonal jitter the Cholesky needed beyond σ² (0 when none). */
  readonly jitter: number;
  private readonly posterior: WasmPosterior;

  constructor(
    readonly X: Float64Array,
    readonly y: Float64Array,
    readonly n: number,
    readonly d: number,
    readonly hyperparams: GpHyperparams,
  ) {
    const kp = kernelParams(hyperparams);
    const K = kernelMatrix(X, n, d, kp);
    for (let i = 0; i < n; i++) K[i * n + i] = (K[i * n + i] as number) + hyperparams.noiseVar;
    const { L, jitter } = choleskyWithJitter(K, n);
    this.L = L;
    this.jitter = jitter;
    this.alpha = cholSolve(L, n, y);
    this.posterior = new WasmPosterior(X, L, this.alpha, n, d, kp.invLs2, hyperparams.signalVar);
  }

  /** Posterior mean and variance of the latent f at x (variance floored at 1e-12·s²). */
  predict(x: ArrayLike<number>): { mean: number; variance: number } {
    const { mean, variance } = this.posterior.predict(x);
    return { mean, variance: Math.max(variance, 1e-12 * this.hyperparams.signalVar) };
  }

  /** As `predict`, also writing ∂mean/∂x into `dMean` and ∂variance/∂x into `dVar` (length d). */
  predictWithGrad(x: ArrayLike<number>, dMean: Float64Array, dVar: Float64Array): { mean: number; variance: number } {
    const { mean, variance } = this.posterior.predict(x, dMean, dVar);
    const floor = 1e-12 * this.hyperparams.signalVar;
    if (variance <= floor) {
      dVar.fill(0);
      return { mean, variance: floor };
    }
    return { mean, variance };
  }
}
