/**
 * Seeded pseudo-random numbers: the one place every package gets its randomness from. Every draw in
 * HyperQ (a sampler's proposal, a trial's initial weights, batch order, dropout masks) comes from an
 * {@link Rng} made here, never from `Math.random()`, so a result is a function of its seeds.
 *
 * Two generators share the one `Rng` type:
 * - {@link createRng}: sfc32 (Chris Doty-Humphrey's "small fast counting" generator, PractRand-clean),
 *   seeded by hashing all keys with a MurmurHash3-style finalizer and expanding with SplitMix32.
 *   Streams are derived from several keys, e.g. `createRng(sweepSeed, trialNumber, tag)`, so the draw
 *   of one trial depends only on the sweep seed and its own number. Used by the samplers.
 * - {@link createResumableRng}: Mulberry32 (Tommy Ettinger's public-domain generator), whose whole
 *   state is one 32-bit integer, so a training checkpoint can save and resume its sequence. Used for
 *   training (shuffling, dropout, initial weights).
 *
 * Each generator's sequence is fixed: changing one changes every stored result's reproduction.
 */

/** A stream of uniform and normal deviates. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** A 32-bit unsigned integer (e.g. a fresh seed for a child generator or a seeded tfjs op). */
  uint32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

/** An {@link Rng} whose whole state is one 32-bit integer, to checkpoint and resume its sequence. */
export interface ResumableRng extends Rng {
  /** The generator's whole state. */
  getState(): number;
  /** Restores a state from {@link ResumableRng.getState}. */
  setState(state: number): void;
  /** Fills `out` with the next `out.length` draws of `uint32`, in one tight loop (bulk masks). */
  fillUint32(out: Uint32Array): void;
}

/** The derived draws (`int`, `normal`) on top of a generator's `next` and `uint32`. */
function withDerivedDraws(next: () => number, uint32: () => number): Rng {
  let spare: number | undefined;
  return {
    next,
    uint32,
    int(n: number): number {
      return Math.min(n - 1, Math.floor(next() * n));
    },
    normal(): number {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = next();
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** MurmurHash3's 32-bit finalizer. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** SplitMix32-style mixing of a 32-bit value (a bijection with good avalanche). */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Hashes any number of numeric keys (integers up to 2^53, or any finite double) into 32 bits. */
export function hashKeys(keys: readonly number[]): number {
  let h = 0x2545f491;
  for (const k of keys) {
    const v = Number.isInteger(k) ? k : Math.round(k * 2 ** 20);
    const lo = v >>> 0;
    const hi = Math.floor(v / 4294967296) >>> 0;
    h = fmix32(h ^ lo) + 0x9e3779b9;
    h = fmix32(h ^ hi ^ 0x7f4a7c15);
  }
  return h >>> 0;
}

/** An sfc32 generator seeded from `keys` (sweep seed, trial number, stream tag, ...); `next` has 53 random bits. */
export function createRng(...keys: number[]): Rng {
  let sm = hashKeys(keys);
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) | 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) uint32();
  const next = (): number => ((uint32() >>> 5) * 67108864 + (uint32() >>> 6)) / 9007199254740992;
  return withDerivedDraws(next, uint32);
}

/**
 * A Mulberry32 generator from a 32-bit seed; `next` has 32 random bits. Its state is one integer
 * ({@link ResumableRng.getState}); `normal`'s spare deviate is not part of it, so a generator to be
 * checkpointed should draw only `next`, `uint32` and `int`.
 */
export function createResumableRng(seed: number): ResumableRng {
  let state = mix32(seed >>> 0);
  const uint32 = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    ...withDerivedDraws(() => uint32() / 4294967296, uint32),
    getState: () => state,
    setState: (s) => {
      state = s | 0;
    },
    fillUint32: (out) => {
      let s = state;
      for (let i = 0; i < out.length; i++) {
        s = (s + 0x6d2b79f5) | 0;
        let t = Math.imul(s ^ (s >>> 15), s | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        out[i] = t ^ (t >>> 14);
      }
      state = s;
    },
  };
}

/** A stable child seed for a named purpose ("weights", "shuffle", ...), independent across names. */
export function deriveSeed(seed: number, purpose: string): number {
  let h = mix32(seed >>> 0);
  for (let i = 0; i < purpose.length; i++) h = mix32(h ^ purpose.charCodeAt(i));
  return h;
}

/**
 * A trial's seed from the sweep seed and the trial number (a 32-bit mix, SplitMix-style), so a
 * retried trial gets the same initial weights and batches on any worker.
 */
export function deriveTrialSeed(sweepSeed: number, trialNumber: number): number {
  let z = (Math.imul(sweepSeed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(trialNumber + 1, 0xc2b2ae35)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
  return (z ^ (z >>> 16)) >>> 0;
}

/** In-place Fisher–Yates shuffle driven by `rng`. */
export function shuffleInPlace(values: Uint32Array | number[], rng: Rng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const tmp = values[i] as number;
    values[i] = values[j] as number;
    values[j] = tmp;
  }
}
