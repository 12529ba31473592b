/**
 * Output warping for skewed objectives, then standardization, as HEBO (Cowen-Rivers et al., JAIR
 * 2022) does with scikit-learn's `PowerTransformer`: Box-Cox when every value is positive (a loss
 * usually is), Yeo-Johnson on the standardized values otherwise; λ maximizes the profile
 * log-likelihood of a normal model (Box & Cox 1964), by golden-section search on [−2, 2].
 * Monotone increasing, so minimizing the warped values minimizes the objective.
 *
 * Notations
 *   y ∈ ℝⁿ     finite observed values
 *   ψ_λ(y)     Box-Cox: (y^λ − 1)/λ (ln y at λ = 0)
 *              Yeo-Johnson: ((y+1)^λ − 1)/λ for y ≥ 0, −((1−y)^{2−λ} − 1)/(2−λ) for y < 0
 *   ℓ(λ)       −(n/2) ln var(ψ_λ(y)) + (λ − 1) Σ J(y_i),  J = ln y (Box-Cox),
 *              sign(y) ln(|y| + 1) (Yeo-Johnson)
 */

export type WarpKind = "box-cox" | "yeo-johnson" | "none";

export interface OutputWarp {
  kind: WarpKind;
  lambda: number;
  /** Maps an objective value onto the model's standardized scale. */
  apply(y: number): number;
  /** ln |d apply / dy| at y: what the warp adds to a log-likelihood of the original values. */
  logJacobian(y: number): number;
}

function boxCox(y: number, lambda: number): number {
  return Math.abs(lambda) < 1e-8 ? Math.log(y) : (Math.pow(y, lambda) - 1) / lambda;
}

function yeoJohnson(y: number, lambda: number): number {
  if (y >= 0) return Math.abs(lambda) < 1e-8 ? Math.log1p(y) : (Math.pow(y + 1, lambda) - 1) / lambda;
  return Math.abs(lambda - 2) < 1e-8 ? -Math.log1p(-y) : -(Math.pow(1 - y, 2 - lambda) - 1) / (2 - lambda);
}

/** ln ψ'_λ(y). */
function boxCoxLogDeriv(y: number, lambda: number): number {
  return (lambda - 1) * Math.log(y);
}

function yeoJohnsonLogDeriv(y: number, lambda: number): number {
  return y >= 0 ? (lambda - 1) * Math.log1p(y) : (1 - lambda) * Math.log1p(-y);
}

function meanStd(v: readonly number[]): { mean: number; std: number } {
  const n = v.length;
  let mean = 0;
  for (const x of v) mean += x;
  mean /= n;
  let s = 0;
  for (const x of v) s += (x - mean) ** 2;
  return { mean, std: Math.sqrt(s / n) };
}

function goldenMax(f: (x: number) => number, a: number, b: number, iters = 60): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < iters; i++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/**
 * Fits the warp to finite values `y` (at least one). With fewer than 3 distinct values only
 * standardization is applied. The result has mean 0 and standard deviation 1 on `y`.
 */
export function fitOutputWarp(y: readonly number[], enabled = true): OutputWarp {
  const base = meanStd(y);
  const distinct = new Set(y).size;
  const standardizer = (mean: number, std: number) => (v: number) => (v - mean) / (std > 0 ? std : 1);
  if (!enabled || distinct < 3) {
    const logStd = Math.log(base.std > 0 ? base.std : 1);
    return { kind: "none", lambda: 1, apply: standardizer(base.mean, base.std), logJacobian: () => -logStd };
  }
  const positive = y.every((v) => v > 0);
  let psi: (v: number, lambda: number) => number;
  let psiLogDeriv: (v: number, lambda: number) => number;
  let pre: (v: number) => number;
  let preLogDeriv: number;
  let J: (v: number) => number;
  let kind: WarpKind;
  if (positive) {
    // Scale to median 1 first: λ is scale-invariant, and this keeps y^λ in range.
    const sorted = [...y].sort((a, b) => a - b);
    const med = sorted[Math.floor(sorted.length / 2)] as number;
    pre = (v) => v / med;
    preLogDeriv = -Math.log(med);
    psi = boxCox;
    psiLogDeriv = boxCoxLogDeriv;
    J = (v) => Math.log(v);
    kind = "box-cox";
  } else {
    pre = standardizer(base.mean, base.std);
    preLogDeriv = -Math.log(base.std > 0 ? base.std : 1);
    psi = yeoJohnson;
    psiLogDeriv = yeoJohnsonLogDeriv;
    J = (v) => Math.sign(v) * Math.log1p(Math.abs(v));
    kind = "yeo-johnson";
  }
  const pre_y = y.map(pre);
  const sumJ = pre_y.reduce((s, v) => s + J(v), 0);
  const n = y.length;
  const profile = (lambda: number): number => {
    const w = pre_y.map((v) => psi(v, lambda));
    if (!w.every(Number.isFinite)) return -Infinity;
    const { std } = meanStd(w);
    if (!(std > 0)) return -Infinity;
    return -n * Math.log(std) + (lambda - 1) * sumJ;
  };
  const lambda = goldenMax(profile, -2, 2);
  const warped = pre_y.map((v) => psi(v, lambda));
  const ms = meanStd(warped);
  const std = ms.std > 0 && Number.isFinite(ms.std) ? ms.std : 1;
  return {
    kind,
    lambda,
    apply: (v: number) => (psi(pre(v), lambda) - ms.mean) / std,
    logJacobian: (v: number) => psiLogDeriv(pre(v), lambda) + preLogDeriv - Math.log(std),
  };
}
