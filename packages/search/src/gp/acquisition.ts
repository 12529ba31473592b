/**
 * Log expected improvement, LogEI (Ament, Daulton, Eriksson, Balandat & Bakshy, "Unexpected
 * Improvements to Expected Improvement for Bayesian Optimization", NeurIPS 2023), for minimization.
 *
 * Notations
 *   μ(x), σ²(x)   GP posterior mean and variance of the latent f at x
 *   f*            best (lowest) value observed so far, on the model's scale
 *   z             (f* − μ) / σ
 *   φ, Φ          standard normal density and distribution function
 *   h(z)          φ(z) + z Φ(z), so EI(x) = σ h(z)
 *   LogEI(x)      log h(z) + log σ
 *   erfcx(t)      exp(t²) erfc(t), the scaled complementary error function
 *
 * log h is evaluated in three regimes (Ament et al., eq. 9) so that it stays finite and accurate
 * far in the lower tail, where EI itself underflows to 0 and its gradient vanishes:
 *   z > −1:          log(φ(z) + z Φ(z))
 *   −1/√ε < z ≤ −1:  −z²/2 − ½ ln 2π + log1mexp(ln(erfcx(−z/√2) |z|) + ½ ln(π/2))
 *   z ≤ −1/√ε:       −z²/2 − ½ ln 2π − 2 ln|z|
 */
import type { GaussianProcess } from "./regressor.ts";

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT2 = Math.SQRT2;
const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);
const HALF_LN_PI_OVER_2 = 0.5 * Math.log(Math.PI / 2);
const INV_SQRT_EPS = 1 / Math.sqrt(Number.EPSILON);

/** erfcx(t) = exp(t²) erfc(t), accurate to about 1e-14 relative for all t with a finite result. */
export function erfcx(t: number): number {
  if (Number.isNaN(t)) return NaN;
  if (t < 0) {
    // erfc(−t) = 2 − erfc(t)
    return t < -26.7 ? Infinity : 2 * Math.exp(t * t) - erfcx(-t);
  }
  if (t < 2) {
    // erf(t) = (2/√π) e^{−t²} Σ 2ⁿ t^{2n+1} / (2n+1)!!  (all terms positive: no cancellation)
    let term = t;
    let sum = t;
    const t2 = t * t;
    for (let k = 1; k < 200; k++) {
      term *= (2 * t2) / (2 * k + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return Math.exp(t2) - (2 / SQRT_PI) * sum;
  }
  // Continued fraction erfc(t) = e^{−t²}/√π · 1/(t + (1/2)/(t + 1/(t + (3/2)/(t + …)))),
  // evaluated by the modified Lentz method.
  const tiny = 1e-300;
  let f = t;
  let C = t;
  let D = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    D = t + a * D;
    D = D === 0 ? tiny : 1 / D;
    C = t + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (SQRT_PI * f);
}

/** Φ(z). */
export function normalCdf(z: number): number {
  const t = -z / SQRT2;
  return t < 0 ? 1 - 0.5 * Math.exp(-t * t) * erfcx(-t) : 0.5 * Math.exp(-t * t) * erfcx(t);
}

/** φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - HALF_LN_2PI);
}

/** log(1 − eˣ) for x < 0 (Mächler 2012). */
export function log1mexp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** log h(z) = log(φ(z) + z Φ(z)), finite for every finite z. */
export function logH(z: number): number {
  if (z > -1) return Math.log(normalPdf(z) + z * normalCdf(z));
  if (z > -INV_SQRT_EPS) {
    return -0.5 * z * z - HALF_LN_2PI + log1mexp(Math.log(erfcx(-z / SQRT2) * -z) + HALF_LN_PI_OVER_2);
  }
  return -0.5 * z * z - HALF_LN_2PI - 2 * Math.log(-z);
}

/** d log h / dz = Φ(z) / h(z), stable in the tails. */
export function logHDerivative(z: number): number {
  if (z > -1) return normalCdf(z) / (normalPdf(z) + z * normalCdf(z));
  if (z > -1e4) {
    // Φ/h = m / (1 + z m), m = Φ/φ = √(π/2) erfcx(−z/√2); 1 + z m = −expm1(ln(|z| m)).
    const m = Math.sqrt(Math.PI / 2) * erfcx(-z / SQRT2);
    return m / -Math.expm1(Math.log(-z * m));
  }
  return -z - 2 / z;
}

/** An acquisition function to maximize over the unit box. */
export interface Acquisition {
  readonly dim: number;
  value(x: ArrayLike<number>): number;
  /** Value, and its gradient in x written into `grad`. */
  valueAndGrad(x: ArrayLike<number>, grad: Float64Array): number;
}

/** LogEI of a GP for minimization, against the incumbent `best` (f*). */
export class LogExpectedImprovement implements Acquisition {
  readonly dim: number;
  private readonly dMean: Float64Array;
  private readonly dVar: Float64Array;

  constructor(
    private readonly gp: GaussianProcess,
    readonly best: number,
  ) {
    this.dim = gp.d;
    this.dMean = new Float64Array(gp.d);
    this.dVar = new Float64Array(gp.d);
  }

  value(x: ArrayLike<number>): number {
    const { mean, variance } = this.gp.predict(x);
    const sigma = Math.sqrt(variance);
    return logH((this.best - mean) / sigma) + Math.log(sigma);
  }

  valueAndGrad(x: ArrayLike<number>, grad: Float64Array): number {
    const { mean, variance } = this.gp.predictWithGrad(x, this.dMean, this.dVar);
    const sigma = Math.sqrt(variance);
    const z = (this.best - mean) / sigma;
    const dz = logHDerivative(z);
    // LogEI = log h(z) + log σ;  ∂/∂μ = −dz/σ;  ∂/∂σ = −dz·z/σ + 1/σ;  ∂σ/∂x = ∂σ²/∂x / (2σ).
    const dMu = -dz / sigma;
    const dSigma = (1 - dz * z) / sigma;
    for (let j = 0; j < this.dim; j++) grad[j] = dMu * (this.dMean[j] as number) + (dSigma * (this.dVar[j] as number)) / (2 * sigma);
    return logH(z) + Math.log(sigma);
  }
}

/**
 * Negative lower confidence bound, −(μ − β σ) (Srinivas et al. 2010, for minimization): with a
 * large β, an exploration step that favours uncertain regions whatever the incumbent.
 */
export class NegativeLowerConfidenceBound implements Acquisition {
  readonly dim: number;
  private readonly dMean: Float64Array;
  private readonly dVar: Float64Array;

  constructor(
    private readonly gp: GaussianProcess,
    readonly beta: number,
  ) {
    this.dim = gp.d;
    this.dMean = new Float64Array(gp.d);
    this.dVar = new Float64Array(gp.d);
  }

  value(x: ArrayLike<number>): number {
    const { mean, variance } = this.gp.predict(x);
    return -mean + this.beta * Math.sqrt(variance);
  }

  valueAndGrad(x: ArrayLike<number>, grad: Float64Array): number {
    const { mean, variance } = this.gp.predictWithGrad(x, this.dMean, this.dVar);
    const sigma = Math.sqrt(variance);
    for (let j = 0; j < this.dim; j++) grad[j] = -(this.dMean[j] as number) + (this.beta * (this.dVar[j] as number)) / (2 * sigma);
    return -mean + this.beta * sigma;
  }
}
