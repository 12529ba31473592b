/**
 * Dense linear algebra on row-major `Float64Array`s: just what a GP needs.
 *
 * Notations
 *   n        matrix order
 *   A        n×n symmetric positive (semi-)definite, row-major: A[i*n + j]
 *   L        n×n lower-triangular Cholesky factor, A = L Lᵀ (upper triangle left zero)
 *   b, x     length-n vectors
 */
import { NumericalError } from "../errors.ts";

/** In-place-free Cholesky: returns L, or `undefined` when A (plus `jitter`·I) is not positive definite. */
export function cholesky(A: Float64Array, n: number, jitter = 0): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = (A[rj + j] as number) + jitter;
    for (let k = 0; k < j; k++) d -= (L[rj + k] as number) ** 2;
    if (!(d > 0) || !Number.isFinite(d)) return undefined;
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j] as number;
      for (let k = 0; k < j; k++) s -= (L[ri + k] as number) * (L[rj + k] as number);
      L[ri + j] = s * inv;
    }
  }
  return L;
}

/** Result of a Cholesky with jitter escalation. */
export interface JitteredCholesky {
  L: Float64Array;
  /** The diagonal jitter that was needed (0 when none). */
  jitter: number;
}

/**
 * Cholesky with jitter escalation (as GPyTorch's `psd_safe_cholesky`): tries A, then A + εI with
 * ε = 1e-9·mean(diag A), ×10 each time, up to `maxTries` times; throws `NumericalError` after.
 */
export function choleskyWithJitter(A: Float64Array, n: number, maxTries = 6): JitteredCholesky {
  const L0 = cholesky(A, n);
  if (L0) return { L: L0, jitter: 0 };
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += A[i * n + i] as number;
  meanDiag = Number.isFinite(meanDiag) && meanDiag > 0 ? meanDiag / n : 1;
  let jitter = 1e-9 * meanDiag;
  for (let t = 0; t < maxTries; t++) {
    const L = cholesky(A, n, jitter);
    if (L) return { L, jitter };
    jitter *= 10;
  }
  throw new NumericalError(`Cholesky failed: the ${n}×${n} matrix is not positive definite even with jitter ${jitter / 10}`);
}

/** Solves L x = b (forward substitution). */
export function solveLower(L: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (L[ri + k] as number) * (out[k] as number);
    out[i] = s / (L[ri + i] as number);
  }
  return out;
}

/** Solves Lᵀ x = b (back substitution with the transpose of a lower factor). */
export function solveUpperT(L: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i] as number;
    for (let k = i + 1; k < n; k++) s -= (L[k * n + i] as number) * (out[k] as number);
    out[i] = s / (L[i * n + i] as number);
  }
  return out;
}

/** Solves A x = b given A = L Lᵀ. */
export function cholSolve(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  return solveUpperT(L, n, solveLower(L, n, b));
}

/** A⁻¹ from its Cholesky factor (full symmetric matrix): L⁻¹ first, then L⁻ᵀ L⁻¹. */
export function cholInverse(L: Float64Array, n: number): Float64Array {
  const Li = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    Li[j * n + j] = 1 / (L[j * n + j] as number);
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let k = j; k < i; k++) s -= (L[ri + k] as number) * (Li[k * n + j] as number);
      Li[ri + j] = s / (L[ri + i] as number);
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += (Li[k * n + i] as number) * (Li[k * n + j] as number);
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/** log det A = 2 Σ ln L_ii. */
export function cholLogDet(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i] as number);
  return 2 * s;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>, n = a.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
