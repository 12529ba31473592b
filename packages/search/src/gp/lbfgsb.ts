/**
 * Box-constrained limited-memory BFGS, in the projected-gradient form (Bertsekas 1982; the
 * "L-BFGS-B-lite" of many GP libraries): variables at a bound whose gradient pushes outward are
 * held fixed, the two-loop recursion (Nocedal & Wright, Alg. 7.4) runs on the free ones, and an
 * Armijo backtracking search runs along the projected path. Compared with Byrd et al.'s L-BFGS-B
 * it skips the generalized Cauchy point; on the smooth, low-dimensional problems of a GP
 * (hyperparameters, acquisition refinement) it converges to the same points.
 *
 * Notations
 *   x ∈ ℝⁿ          variables, lower ≤ x ≤ upper
 *   f(x), g = ∇f    objective to minimize and its gradient, written by `fg(x, g)` into g
 *   (s_i, y_i)      the last `memory` steps and gradient changes
 */

/** Objective and gradient: writes ∇f(x) into `g`, returns f(x). */
export type ObjectiveWithGradient = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsbOptions {
  /** @defaultValue 100 */
  maxIterations?: number;
  /** Correction pairs kept. @defaultValue 10 */
  memory?: number;
  /** Stop when the projected gradient's ∞-norm falls below this. @defaultValue 1e-6 */
  pgtol?: number;
  /** Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) falls below this. @defaultValue 1e-10 */
  ftol?: number;
}

export interface LbfgsbResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

export function minimizeLbfgsb(
  fg: ObjectiveWithGradient,
  x0: Float64Array,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  options: LbfgsbOptions = {},
): LbfgsbResult {
  const n = x0.length;
  const maxIter = options.maxIterations ?? 100;
  const m = options.memory ?? 10;
  const pgtol = options.pgtol ?? 1e-6;
  const ftol = options.ftol ?? 1e-10;
  const lo = (i: number): number => lower[i] as number;
  const hi = (i: number): number => upper[i] as number;
  const project = (v: Float64Array): void => {
    for (let i = 0; i < n; i++) v[i] = Math.min(hi(i), Math.max(lo(i), v[i] as number));
  };

  let x = Float64Array.from(x0);
  project(x);
  let g = new Float64Array(n);
  let f = fg(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f)) return { x, f, iterations: 0, evaluations, converged: false };

  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const free = new Uint8Array(n);
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const alpha = new Float64Array(m);

  let iterations = 0;
  let converged = false;
  for (; iterations < maxIter; iterations++) {
    let pgNorm = 0;
    for (let i = 0; i < n; i++) {
      const gi = g[i] as number;
      const atLo = (x[i] as number) <= lo(i) && gi > 0;
      const atHi = (x[i] as number) >= hi(i) && gi < 0;
      free[i] = atLo || atHi ? 0 : 1;
      if (free[i]) pgNorm = Math.max(pgNorm, Math.abs(gi));
    }
    if (pgNorm < pgtol) {
      converged = true;
      break;
    }
    // Two-loop recursion on the free variables.
    for (let i = 0; i < n; i++) d[i] = free[i] ? -(g[i] as number) : 0;
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      const s = S[j] as Float64Array;
      const y = Y[j] as Float64Array;
      let a = 0;
      for (let i = 0; i < n; i++) if (free[i]) a += (s[i] as number) * (d[i] as number);
      a *= rho[j] as number;
      alpha[j] = a;
      for (let i = 0; i < n; i++) if (free[i]) d[i] = (d[i] as number) - a * (y[i] as number);
    }
    if (k > 0) {
      const s = S[k - 1] as Float64Array;
      const y = Y[k - 1] as Float64Array;
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        sy += (s[i] as number) * (y[i] as number);
        yy += (y[i] as number) ** 2;
      }
      const gamma = yy > 0 ? sy / yy : 1;
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) * gamma;
    }
    for (let j = 0; j < k; j++) {
      const s = S[j] as Float64Array;
      const y = Y[j] as Float64Array;
      let b = 0;
      for (let i = 0; i < n; i++) if (free[i]) b += (y[i] as number) * (d[i] as number);
      b *= rho[j] as number;
      const c = (alpha[j] as number) - b;
      for (let i = 0; i < n; i++) if (free[i]) d[i] = (d[i] as number) + c * (s[i] as number);
    }
    let gd = 0;
    for (let i = 0; i < n; i++) gd += (g[i] as number) * (d[i] as number);
    if (!(gd < 0)) {
      // Not a descent direction: restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      gd = 0;
      for (let i = 0; i < n; i++) {
        d[i] = free[i] ? -(g[i] as number) : 0;
        gd -= (d[i] as number) ** 2;
      }
    }
    // Backtracking along the projected path.
    let t = k === 0 ? Math.min(1, 1 / Math.max(1e-12, Math.sqrt(-gd))) : 1;
    let fNew = Infinity;
    let accepted = false;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + t * (d[i] as number);
      project(xNew);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += (g[i] as number) * ((xNew[i] as number) - (x[i] as number));
      fNew = fg(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      y[i] = (gNew[i] as number) - (g[i] as number);
      sy += (s[i] as number) * (y[i] as number);
    }
    if (sy > 1e-12) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const rel = (f - fNew) / Math.max(Math.abs(f), Math.abs(fNew), 1);
    x = Float64Array.from(xNew);
    const tmp = g;
    g = gNew;
    gNew = tmp;
    f = fNew;
    if (rel < ftol) {
      converged = true;
      iterations++;
      break;
    }
  }
  return { x, f, iterations, evaluations, converged };
}
