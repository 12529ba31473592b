/**
 * Matérn-5/2 kernel with automatic relevance determination (one lengthscale per dimension), the
 * default of scikit-optimize's `gp_minimize`, Optuna's GPSampler and BoTorch's classic models.
 *
 * Notations
 *   d          input dimension
 *   n, m       numbers of points
 *   X          n×d inputs, row-major (X[i*d + k])
 *   ℓ_k        lengthscale of dimension k; we store invLs2[k] = 1/ℓ_k²
 *   s²         signal variance (kernel scale)
 *   r²(x, x')  Σ_k (x_k − x'_k)² / ℓ_k²
 *   k(x, x')   s² (1 + √5 r + 5/3 r²) exp(−√5 r)
 *
 * Useful derivatives (no singularity at r = 0):
 *   ∂k/∂(r²)   = −(5/6) s² (1 + √5 r) exp(−√5 r)
 * The likelihood and the posterior, which use them, run in WebAssembly (`assembly/gp-kernels.ts`).
 */

const SQRT5 = Math.sqrt(5);

/** Kernel hyperparameters in natural units. */
export interface KernelParams {
  /** 1/ℓ_k², length d. */
  invLs2: Float64Array;
  /** s². */
  signalVar: number;
}

/** k as a function of r² (without s²). */
export function matern52(r2: number): number {
  const r = Math.sqrt(r2);
  return (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

export function sqDist(a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, invLs2: Float64Array, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = (a[aOff + k] as number) - (b[bOff + k] as number);
    s += t * t * (invLs2[k] as number);
  }
  return s;
}

/** K(X, X) (n×n, no noise). */
export function kernelMatrix(X: Float64Array, n: number, d: number, p: KernelParams): Float64Array {
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    K[i * n + i] = p.signalVar;
    for (let j = 0; j < i; j++) {
      const v = p.signalVar * matern52(sqDist(X, i * d, X, j * d, p.invLs2, d));
      K[i * n + j] = v;
      K[j * n + i] = v;
    }
  }
  return K;
}
