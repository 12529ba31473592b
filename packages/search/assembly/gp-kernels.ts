/**
 * The O(n³) kernels of the GP's hyperparameter fit, in AssemblyScript with 128-bit SIMD
 * (`pnpm --filter @hyperq/search build:wasm` compiles this file to `src/gp/gp-kernels.wasm`,
 * which is committed; `src/gp/wasm-kernels.ts` loads it). Same notations and formulas as
 * `logMarginalLikelihood` in `src/gp/regressor.ts`, which documents them.
 *
 * Memory: every pointer is a byte offset into this module's memory, every matrix row-major f64.
 * The caller reserves `lmlWorkBytes(n, d)` bytes at `work`.
 */

const SQRT5: f64 = 2.23606797749979;
const LN_2PI: f64 = 1.8378770664093453;

@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/** Σ_{k<len} a[k]·b[k] with two 2-lane accumulators. */
@inline function dot(a: usize, b: usize, len: i32): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let k = 0;
  for (; k + 3 < len; k += 4) {
    const o = <usize>k << 3;
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  acc0 = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
  for (; k < len; k++) s += load<f64>(at(a, k)) * load<f64>(at(b, k));
  return s;
}

/** r² = Σ_k (a_k − b_k)² / ℓ_k², with `inv` holding 1/ℓ_k². */
@inline function scaledSqDist(a: usize, b: usize, inv: usize, d: i32): f64 {
  let r2: f64 = 0;
  for (let k = 0; k < d; k++) {
    const t = load<f64>(at(a, k)) - load<f64>(at(b, k));
    r2 += t * t * load<f64>(at(inv, k));
  }
  return r2;
}

/** Bytes of workspace `lml` needs. */
export function lmlWorkBytes(n: i32, d: i32): i32 {
  return (5 * n * n + 2 * n + 2 * d) * 8;
}

/**
 * log p(y | X, θ) for the Matérn-5/2 ARD kernel plus noise; when `grad` ≠ 0, also its gradient in
 * θ = (ln ℓ_1..ln ℓ_d, ln s², ln σ²) written at `grad`. Returns −∞ when K cannot be factored.
 */
export function lml(n: i32, d: i32, X: usize, y: usize, theta: usize, grad: usize, work: usize): f64 {
  const nn = <usize>(n * n) << 3;
  const K = work;
  const C = K + nn;
  const L = C + nn;
  const T = L + nn;
  const Ki = T + nn;
  const alpha = Ki + nn;
  const tmp = alpha + (<usize>n << 3);
  const inv = tmp + (<usize>n << 3);
  const acc = inv + (<usize>d << 3);
  for (let k = 0; k < d; k++) {
    const l = Math.exp(load<f64>(at(theta, k)));
    store<f64>(at(inv, k), 1 / (l * l));
    store<f64>(at(acc, k), 0);
  }
  const s2 = Math.exp(load<f64>(at(theta, d)));
  const noise = Math.exp(load<f64>(at(theta, d + 1)));
  const withGrad = grad != 0;

  // K (lower triangle) and C_ij = s² (5/3)(1 + √5 r) e^{−√5 r}.
  for (let i = 0; i < n; i++) {
    store<f64>(at(K, i * n + i), s2 + noise);
    const xi = at(X, i * d);
    for (let j = 0; j < i; j++) {
      const r2 = scaledSqDist(xi, at(X, j * d), inv, d);
      const r = Math.sqrt(r2);
      const e = Math.exp(-SQRT5 * r);
      store<f64>(at(K, i * n + j), s2 * (1 + SQRT5 * r + (5.0 / 3.0) * r2) * e);
      if (withGrad) store<f64>(at(C, i * n + j), s2 * (5.0 / 3.0) * (1 + SQRT5 * r) * e);
    }
  }

  // Cholesky K = L Lᵀ (lower triangle of L only).
  for (let j = 0; j < n; j++) {
    const rj = at(L, j * n);
    const dj = load<f64>(at(K, j * n + j)) - dot(rj, rj, j);
    if (!(dj > 0) || !isFinite(dj)) {
      if (withGrad) for (let k = 0; k < d + 2; k++) store<f64>(at(grad, k), 0);
      return -Infinity;
    }
    const ljj = Math.sqrt(dj);
    store<f64>(at(rj, j), ljj);
    const invL = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = at(L, i * n);
      store<f64>(at(ri, j), (load<f64>(at(K, i * n + j)) - dot(ri, rj, j)) * invL);
    }
  }

  // α = K⁻¹ y: L tmp = y, then Lᵀ α = tmp.
  for (let i = 0; i < n; i++) {
    store<f64>(at(tmp, i), (load<f64>(at(y, i)) - dot(at(L, i * n), tmp, i)) / load<f64>(at(L, i * n + i)));
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = load<f64>(at(tmp, i));
    for (let k = i + 1; k < n; k++) s -= load<f64>(at(L, k * n + i)) * load<f64>(at(alpha, k));
    store<f64>(at(alpha, i), s / load<f64>(at(L, i * n + i)));
  }
  let yAlpha: f64 = 0;
  let halfLogDet: f64 = 0;
  for (let i = 0; i < n; i++) {
    yAlpha += load<f64>(at(y, i)) * load<f64>(at(alpha, i));
    halfLogDet += Math.log(load<f64>(at(L, i * n + i)));
  }
  const value = -0.5 * yAlpha - halfLogDet - 0.5 * <f64>n * LN_2PI;
  if (!withGrad) return value;

  // T = L⁻¹ stored transposed (T[j·n + i] = (L⁻¹)_ij), then the lower triangle of K⁻¹ = L⁻ᵀ L⁻¹.
  for (let j = 0; j < n; j++) {
    const tj = at(T, j * n);
    store<f64>(at(tj, j), 1 / load<f64>(at(L, j * n + j)));
    for (let i = j + 1; i < n; i++) {
      store<f64>(at(tj, i), -dot(at(L, i * n + j), at(tj, j), i - j) / load<f64>(at(L, i * n + i)));
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) store<f64>(at(Ki, i * n + j), dot(at(T, i * n + i), at(T, j * n + i), n - i));
  }

  // ½ tr(W ∂K/∂θ) with W = α αᵀ − K⁻¹ (pairs count twice).
  let gSignal: f64 = 0;
  let gNoise: f64 = 0;
  for (let i = 0; i < n; i++) {
    const ai = load<f64>(at(alpha, i));
    const wii = ai * ai - load<f64>(at(Ki, i * n + i));
    gNoise += wii;
    gSignal += 0.5 * wii * s2;
    const xi = at(X, i * d);
    for (let j = 0; j < i; j++) {
      const w = ai * load<f64>(at(alpha, j)) - load<f64>(at(Ki, i * n + j));
      gSignal += w * load<f64>(at(K, i * n + j));
      const c = w * load<f64>(at(C, i * n + j));
      const xj = at(X, j * d);
      for (let k = 0; k < d; k++) {
        const t = load<f64>(at(xi, k)) - load<f64>(at(xj, k));
        store<f64>(at(acc, k), load<f64>(at(acc, k)) + c * t * t);
      }
    }
  }
  for (let k = 0; k < d; k++) store<f64>(at(grad, k), load<f64>(at(acc, k)) * load<f64>(at(inv, k)));
  store<f64>(at(grad, d), gSignal);
  store<f64>(at(grad, d + 1), 0.5 * gNoise * noise);
  return value;
}

/** Bytes of workspace `predict` and `predictGrad` need. */
export function predictWorkBytes(n: i32, d: i32): i32 {
  return (3 * n + n * d) * 8;
}

/**
 * Posterior mean and variance (before any floor) of the latent f at x, written at out[0], out[1];
 * with `dMean` ≠ 0, also their gradients in x at `dMean` and `dVar` (d each). L is the Cholesky
 * factor of k(X, X) + σ²I, α = (k(X, X) + σ²I)⁻¹ y, `inv` holds 1/ℓ_k².
 *   mean = k(x, X) α,  variance = s² − |v|² with L v = k(x, X)
 *   ∂mean/∂x = Σ_i α_i ∂k_i/∂x,  ∂variance/∂x = −2 Σ_i w_i ∂k_i/∂x with Lᵀ w = v
 */
export function predict(n: i32, d: i32, X: usize, L: usize, alpha: usize, inv: usize, s2: f64, x: usize, out: usize, dMean: usize, dVar: usize, work: usize): void {
  const kv = work;
  const v = kv + (<usize>n << 3);
  const w = v + (<usize>n << 3);
  const dk = w + (<usize>n << 3);
  const withGrad = dMean != 0;
  for (let i = 0; i < n; i++) {
    const xi = at(X, i * d);
    const r2 = scaledSqDist(x, xi, inv, d);
    const r = Math.sqrt(r2);
    const e = Math.exp(-SQRT5 * r);
    store<f64>(at(kv, i), s2 * (1 + SQRT5 * r + (5.0 / 3.0) * r2) * e);
    if (withGrad) {
      const g = -2 * s2 * (5.0 / 6.0) * (1 + SQRT5 * r) * e;
      for (let k = 0; k < d; k++) store<f64>(at(dk, i * d + k), g * (load<f64>(at(x, k)) - load<f64>(at(xi, k))) * load<f64>(at(inv, k)));
    }
  }
  const mean = dot(kv, alpha, n);
  for (let i = 0; i < n; i++) store<f64>(at(v, i), (load<f64>(at(kv, i)) - dot(at(L, i * n), v, i)) / load<f64>(at(L, i * n + i)));
  store<f64>(out, mean);
  store<f64>(out + 8, s2 - dot(v, v, n));
  if (!withGrad) return;
  // Lᵀ w = v by columns: w_k = acc_k / L_kk, then acc_i −= L_ki w_k for i < k (row k of L).
  memory.copy(w, v, <usize>n << 3);
  for (let k = n - 1; k >= 0; k--) {
    const rk = at(L, k * n);
    const wk = load<f64>(at(w, k)) / load<f64>(at(rk, k));
    store<f64>(at(w, k), wk);
    const f = f64x2.splat(wk);
    let i = 0;
    for (; i + 1 < k; i += 2) v128.store(at(w, i), f64x2.sub(v128.load(at(w, i)), f64x2.mul(v128.load(at(rk, i)), f)));
    for (; i < k; i++) store<f64>(at(w, i), load<f64>(at(w, i)) - load<f64>(at(rk, i)) * wk);
  }
  for (let k = 0; k < d; k++) {
    store<f64>(at(dMean, k), 0);
    store<f64>(at(dVar, k), 0);
  }
  for (let i = 0; i < n; i++) {
    const a = load<f64>(at(alpha, i));
    const wi = -2 * load<f64>(at(w, i));
    const row = at(dk, i * d);
    for (let k = 0; k < d; k++) {
      const g = load<f64>(at(row, k));
      store<f64>(at(dMean, k), load<f64>(at(dMean, k)) + a * g);
      store<f64>(at(dVar, k), load<f64>(at(dVar, k)) + wi * g);
    }
  }
}
