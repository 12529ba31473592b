/**
 * The per-step gate arithmetic of the fused LSTM kernels (`src/engine/lstm-kernels.ts`), in
 * AssemblyScript with 128-bit SIMD. `pnpm --filter @hyperq/models build:wasm` compiles this file to
 * `src/engine/lstm-gates.wasm`, which is committed; `src/engine/lstm-gates.ts` loads it.
 *
 * The module imports its memory: it is the tfjs wasm backend's heap itself, so every pointer is the
 * byte offset of a tensor in that heap and nothing is copied. The module therefore has no static
 * data and allocates nothing (it must never write outside the tensors it is given).
 *
 * Layouts (row-major f32, gate order i, f, g, o as PyTorch's): z, gates, dz (B, 4H); everything
 * else (B, H); bias (4H). Every loop runs 4 lanes at a time and finishes odd H with scalar code of
 * the same formulas.
 */

// tanh(x) ≈ x·P(x²)/Q(x²) on [−7.905, 7.905], ±1 beyond: Eigen's float32 rational approximation
// (max abs error ~3e-7), the same as `fastTanh` in `lstm-kernels.ts`.
const CLAMP: f32 = 7.90531110763549805;
const A1: f32 = 4.89352455891786e-3;
const A3: f32 = 6.37261928875436e-4;
const A5: f32 = 1.48572235717979e-5;
const A7: f32 = 5.12229709037114e-8;
const A9: f32 = -8.60467152213735e-11;
const A11: f32 = 2.00018790482477e-13;
const A13: f32 = -2.76076847742355e-16;
const B0: f32 = 4.89352518554385e-3;
const B2: f32 = 2.268434632439e-3;
const B4: f32 = 1.18534705686654e-4;
const B6: f32 = 1.19825839466702e-6;

@inline function tanh4(z: v128): v128 {
  const x = f32x4.min(f32x4.max(z, f32x4.splat(-CLAMP)), f32x4.splat(CLAMP));
  const x2 = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.splat(A11), f32x4.mul(x2, f32x4.splat(A13)));
  p = f32x4.add(f32x4.splat(A9), f32x4.mul(x2, p));
  p = f32x4.add(f32x4.splat(A7), f32x4.mul(x2, p));
  p = f32x4.add(f32x4.splat(A5), f32x4.mul(x2, p));
  p = f32x4.add(f32x4.splat(A3), f32x4.mul(x2, p));
  p = f32x4.add(f32x4.splat(A1), f32x4.mul(x2, p));
  p = f32x4.mul(x, p);
  let q = f32x4.add(f32x4.splat(B4), f32x4.mul(x2, f32x4.splat(B6)));
  q = f32x4.add(f32x4.splat(B2), f32x4.mul(x2, q));
  q = f32x4.add(f32x4.splat(B0), f32x4.mul(x2, q));
  return f32x4.div(p, q);
}

/** σ(z) = (1 + tanh(z/2)) / 2. */
@inline function sigmoid4(z: v128): v128 {
  const half = f32x4.splat(0.5);
  return f32x4.add(half, f32x4.mul(half, tanh4(f32x4.mul(half, z))));
}

@inline function tanh1(z: f32): f32 {
  const x = z > CLAMP ? CLAMP : z < -CLAMP ? -CLAMP : z;
  const x2 = x * x;
  const p = x * (A1 + x2 * (A3 + x2 * (A5 + x2 * (A7 + x2 * (A9 + x2 * (A11 + x2 * A13))))));
  return p / (B0 + x2 * (B2 + x2 * (B4 + x2 * B6)));
}

@inline function sigmoid1(z: f32): f32 {
  return 0.5 + 0.5 * tanh1(0.5 * z);
}

@inline function f(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/**
 * One forward step for the whole batch. In: `z` = h_{t−1}·W_hh, `zx` = x_t·W_ih, `bias`, `cPrev`.
 * Out: `gates` (activated i, f, g, o), `c` = f·c_{t−1} + i·g, `h` = o·tanh(c), and `hNext` a second
 * copy of h (the next step's matMul operand). `z` is left unchanged.
 */
export function forwardStep(B: i32, H: i32, z: usize, zx: usize, bias: usize, cPrev: usize, gates: usize, c: usize, h: usize, hNext: usize): void {
  const H4 = 4 * H;
  for (let b = 0; b < B; b++) {
    const r = b * H4;
    const q = b * H;
    let j = 0;
    for (; j + 3 < H; j += 4) {
      const k = r + j;
      const zi = f32x4.add(f32x4.add(v128.load(f(z, k)), v128.load(f(zx, k))), v128.load(f(bias, j)));
      const zf = f32x4.add(f32x4.add(v128.load(f(z, k + H)), v128.load(f(zx, k + H))), v128.load(f(bias, j + H)));
      const zg = f32x4.add(f32x4.add(v128.load(f(z, k + 2 * H)), v128.load(f(zx, k + 2 * H))), v128.load(f(bias, j + 2 * H)));
      const zo = f32x4.add(f32x4.add(v128.load(f(z, k + 3 * H)), v128.load(f(zx, k + 3 * H))), v128.load(f(bias, j + 3 * H)));
      const gi = sigmoid4(zi);
      const gf = sigmoid4(zf);
      const gg = tanh4(zg);
      const go = sigmoid4(zo);
      const cv = f32x4.add(f32x4.mul(gf, v128.load(f(cPrev, q + j))), f32x4.mul(gi, gg));
      const hv = f32x4.mul(go, tanh4(cv));
      v128.store(f(gates, k), gi);
      v128.store(f(gates, k + H), gf);
      v128.store(f(gates, k + 2 * H), gg);
      v128.store(f(gates, k + 3 * H), go);
      v128.store(f(c, q + j), cv);
      v128.store(f(h, q + j), hv);
      v128.store(f(hNext, q + j), hv);
    }
    for (; j < H; j++) {
      const k = r + j;
      const gi = sigmoid1(load<f32>(f(z, k)) + load<f32>(f(zx, k)) + load<f32>(f(bias, j)));
      const gf = sigmoid1(load<f32>(f(z, k + H)) + load<f32>(f(zx, k + H)) + load<f32>(f(bias, j + H)));
      const gg = tanh1(load<f32>(f(z, k + 2 * H)) + load<f32>(f(zx, k + 2 * H)) + load<f32>(f(bias, j + 2 * H)));
      const go = sigmoid1(load<f32>(f(z, k + 3 * H)) + load<f32>(f(zx, k + 3 * H)) + load<f32>(f(bias, j + 3 * H)));
      const cv = gf * load<f32>(f(cPrev, q + j)) + gi * gg;
      const hv = go * tanh1(cv);
      store<f32>(f(gates, k), gi);
      store<f32>(f(gates, k + H), gf);
      store<f32>(f(gates, k + 2 * H), gg);
      store<f32>(f(gates, k + 3 * H), go);
      store<f32>(f(c, q + j), cv);
      store<f32>(f(h, q + j), hv);
      store<f32>(f(hNext, q + j), hv);
    }
  }
}

/**
 * One backward step for the whole batch. In: `gates`, `c` (c_t), `cPrev` (c_{t−1}), `dhOut`
 * (dL/dh_t from above), `dr` (dL/dh_t through the next step's W_hh). In/out: `dc` (dL/dc_t in,
 * dL/dc_{t−1} out). Out: the gate gradients `dz` and a second copy `dzAll` (the slab of the
 * all-steps gradient that the weight gradients are computed from).
 */
export function backwardStep(B: i32, H: i32, gates: usize, c: usize, cPrev: usize, dhOut: usize, dr: usize, dc: usize, dz: usize, dzAll: usize): void {
  const H4 = 4 * H;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    const r = b * H4;
    const q = b * H;
    let j = 0;
    for (; j + 3 < H; j += 4) {
      const k = r + j;
      const gi = v128.load(f(gates, k));
      const gf = v128.load(f(gates, k + H));
      const gg = v128.load(f(gates, k + 2 * H));
      const go = v128.load(f(gates, k + 3 * H));
      const tc = tanh4(v128.load(f(c, q + j)));
      const dh = f32x4.add(v128.load(f(dhOut, q + j)), v128.load(f(dr, q + j)));
      const dcq = f32x4.add(v128.load(f(dc, q + j)), f32x4.mul(f32x4.mul(dh, go), f32x4.sub(one, f32x4.mul(tc, tc))));
      const di = f32x4.mul(f32x4.mul(dcq, gg), f32x4.mul(gi, f32x4.sub(one, gi)));
      const df = f32x4.mul(f32x4.mul(dcq, v128.load(f(cPrev, q + j))), f32x4.mul(gf, f32x4.sub(one, gf)));
      const dg = f32x4.mul(f32x4.mul(dcq, gi), f32x4.sub(one, f32x4.mul(gg, gg)));
      const dO = f32x4.mul(f32x4.mul(dh, tc), f32x4.mul(go, f32x4.sub(one, go)));
      v128.store(f(dz, k), di);
      v128.store(f(dz, k + H), df);
      v128.store(f(dz, k + 2 * H), dg);
      v128.store(f(dz, k + 3 * H), dO);
      v128.store(f(dzAll, k), di);
      v128.store(f(dzAll, k + H), df);
      v128.store(f(dzAll, k + 2 * H), dg);
      v128.store(f(dzAll, k + 3 * H), dO);
      v128.store(f(dc, q + j), f32x4.mul(dcq, gf));
    }
    for (; j < H; j++) {
      const k = r + j;
      const gi = load<f32>(f(gates, k));
      const gf = load<f32>(f(gates, k + H));
      const gg = load<f32>(f(gates, k + 2 * H));
      const go = load<f32>(f(gates, k + 3 * H));
      const tc = tanh1(load<f32>(f(c, q + j)));
      const dh = load<f32>(f(dhOut, q + j)) + load<f32>(f(dr, q + j));
      const dcq = load<f32>(f(dc, q + j)) + dh * go * (1 - tc * tc);
      const di = dcq * gg * gi * (1 - gi);
      const df = dcq * load<f32>(f(cPrev, q + j)) * gf * (1 - gf);
      const dg = dcq * gi * (1 - gg * gg);
      const dO = dh * tc * go * (1 - go);
      store<f32>(f(dz, k), di);
      store<f32>(f(dz, k + H), df);
      store<f32>(f(dz, k + 2 * H), dg);
      store<f32>(f(dz, k + 3 * H), dO);
      store<f32>(f(dzAll, k), di);
      store<f32>(f(dzAll, k + H), df);
      store<f32>(f(dzAll, k + 2 * H), dg);
      store<f32>(f(dzAll, k + 3 * H), dO);
      store<f32>(f(dc, q + j), dcq * gf);
    }
  }
}

/** out[k] = Σ_{i<n} m[k·n + i] for k < rows: the row sums of a (rows, n) matrix (db from dzᵀ). */
export function rowSums(rows: i32, n: i32, m: usize, out: usize): void {
  for (let k = 0; k < rows; k++) {
    const row = m + (<usize>(k * n) << 2);
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 3 < n; i += 4) acc = f32x4.add(acc, v128.load(f(row, i)));
    let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; i < n; i++) s += load<f32>(f(row, i));
    store<f32>(f(out, k), s);
  }
}
