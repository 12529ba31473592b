/**
 * Seeded pseudo-random numbers. Every draw in this package comes from an `Rng` made here, never
 * from `Math.random()`, so a sampler's answer is a function of its inputs.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's "small fast counting" generator, PractRand-clean), seeded
 * by hashing all keys with a MurmurHash3-style finalizer and expanding with SplitMix32. Streams are
 * derived from several keys, e.g. `createRng(sweepSeed, trialNumber, STREAM_RANDOM)`, so the draw of
 * one trial depends only on the sweep seed and its own number.
 */

/** A stream of uniform and normal deviates. */
export interface Rng {
  /** Uniform in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** A 32-bit unsigned integer. */
  uint32(): number;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
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

/** A generator seeded from `keys` (sweep seed, trial number, stream tag, ...). */
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
  let spare: number | undefined;
  const next = (): number => ((uint32() >>> 5) * 67108864 + (uint32() >>> 6)) / 9007199254740992;
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

/** Stream tags: one per purpose, so draws for different purposes never share a stream. */
export const STREAM = {
  random: 1,
  grid: 2,
  initialDesign: 3,
  candidates: 4,
  fitRestarts: 5,
  subsample: 6,
  fallback: 7,
  fitSubset: 8,
} as const;
