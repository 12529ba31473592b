/**
 * Ridge-regularised linear least squares in closed form:
 *
 *   β = (X̃ᵀX̃ + λI)⁻¹ X̃ᵀỸ,   intercept = ȳ − x̄ β,
 *
 * where X̃ and Ỹ are X and Y centred on their column means, so the intercept is not shrunk.
 * Solved by a Cholesky factorisation of the d × d normal matrix: O(n d² + d³), a few hundred
 * milliseconds for d = 720 inputs (seq_len 120 × 6 features) and thousands of rows.
 */
export interface RidgeFit {
  /** Inputs per row. */
  d: number;
  /** Outputs per row. */
  k: number;
  /** Row-major d × k. */
  coef: Float64Array;
  /** Length k. */
  intercept: Float64Array;
  /** The penalty λ actually used. */
  lambda: number;
}

/**
 * Fits `y ≈ intercept + x β` on `n` rows of `x` (row-major n × d) and `y` (row-major n × k).
 *
 * @param lambda the penalty λ; with `relative`, λ · trace(X̃ᵀX̃) / d (a fraction of the mean
 *   variance times n, so it does not depend on the inputs' scale)
 * @throws RangeError when the shapes do not match.
 */
export function fitRidge(x: ArrayLike<number>, y: ArrayLike<number>, n: number, d: number, k: number, lambda: number, relative = true): RidgeFit {
  if (x.length !== n * d || y.length !== n * k) {
    throw new RangeError(`x must hold n × d = ${n * d} and y n × k = ${n * k} values, but got ${x.length} and ${y.length}`);
  }
  const xm = new Float64Array(d);
  const ym = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) xm[j] = (xm[j] ?? 0) + (x[i * d + j] ?? 0);
    for (let j = 0; j < k; j++) ym[j] = (ym[j] ?? 0) + (y[i * k + j] ?? 0);
  }
  for (let j = 0; j < d; j++) xm[j] = (xm[j] ?? 0) / Math.max(n, 1);
  for (let j = 0; j < k; j++) ym[j] = (ym[j] ?? 0) / Math.max(n, 1);

  // Normal equations on centred data, A = X̃ᵀX̃ and B = X̃ᵀỸ, as dot products of contiguous
  // columns (X̃ column-major): several times faster than accumulating row outer products.
  const cols = new Float64Array(d * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) cols[j * n + i] = (x[i * d + j] ?? 0) - (xm[j] ?? 0);
  const ycols = new Float64Array(k * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) ycols[j * n + i] = (y[i * k + j] ?? 0) - (ym[j] ?? 0);
  const a = new Float64Array(d * d);
  const b = new Float64Array(d * k);
  for (let p = 0; p < d; p++) {
    const cp = cols.subarray(p * n, (p + 1) * n);
    for (let q = p; q < d; q++) a[p * d + q] = dot(cp, cols.subarray(q * n, (q + 1) * n), n);
    for (let j = 0; j < k; j++) b[p * k + j] = dot(cp, ycols.subarray(j * n, (j + 1) * n), n);
  }
  let trace = 0;
  for (let p = 0; p < d; p++) {
    trace += a[p * d + p] ?? 0;
    for (let q = 0; q < p; q++) a[p * d + q] = a[q * d + p] ?? 0;
  }
  // A tiny floor keeps a constant input column (zero variance) solvable.
  const lam = Math.max(relative ? (lambda * trace) / Math.max(d, 1) : lambda, 1e-12);
  for (let p = 0; p < d; p++) a[p * d + p] = (a[p * d + p] ?? 0) + lam;

  const coef = choleskySolve(a, b, d, k);
  const intercept = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = ym[j] ?? 0;
    for (let p = 0; p < d; p++) s -= (xm[p] ?? 0) * (coef[p * k + j] ?? 0);
    intercept[j] = s;
  }
  return { d, k, coef, intercept, lambda: lam };
}

/** Predictions (row-major n × k) of a fit for `n` rows of `x` (row-major n × d). */
export function predictRidge(fit: RidgeFit, x: ArrayLike<number>, n: number): Float64Array {
  const { d, k, coef, intercept } = fit;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      let s = intercept[j] ?? 0;
      for (let p = 0; p < d; p++) s += (x[i * d + p] ?? 0) * (coef[p * k + j] ?? 0);
      out[i * k + j] = s;
    }
  }
  return out;
}

function dot(u: Float64Array, v: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (u[i] as number) * (v[i] as number);
  return s;
}

/** Solves A X = B for symmetric positive definite A (d × d, overwritten) and B (d × k). */
function choleskySolve(a: Float64Array, b: Float64Array, d: number, k: number): Float64Array {
  // In place: the lower triangle of `a` becomes L with A = L Lᵀ.
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j] ?? 0;
    for (let p = 0; p < j; p++) diag -= (a[j * d + p] ?? 0) ** 2;
    if (!(diag > 0)) throw new RangeError(`the ridge normal matrix is not positive definite at column ${j} (pivot ${diag})`);
    const l = Math.sqrt(diag);
    a[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let s = a[i * d + j] ?? 0;
      for (let p = 0; p < j; p++) s -= (a[i * d + p] ?? 0) * (a[j * d + p] ?? 0);
      a[i * d + j] = s / l;
    }
  }
  const x = Float64Array.from(b);
  for (let c = 0; c < k; c++) {
    // L z = b, then Lᵀ x = z.
    for (let i = 0; i < d; i++) {
      let s = x[i * k + c] ?? 0;
      for (let p = 0; p < i; p++) s -= (a[i * d + p] ?? 0) * (x[p * k + c] ?? 0);
      x[i * k + c] = s / (a[i * d + i] ?? 1);
    }
    for (let i = d - 1; i >= 0; i--) {
      let s = x[i * k + c] ?? 0;
      for (let p = i + 1; p < d; p++) s -= (a[p * d + i] ?? 0) * (x[p * k + c] ?? 0);
      x[i * k + c] = s / (a[i * d + i] ?? 1);
    }
  }
  return x;
}
