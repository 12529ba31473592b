/**
 * Seeded pseudo-random numbers. Every random choice in this package (initial weights, shuffling,
 * dropout masks) comes from an `Rng` derived from the trial seed, so one seed gives one result.
 */

/** A seeded source of uniform numbers in [0, 1). */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** A fresh 32-bit seed for a child generator or a seeded tfjs op. */
  nextSeed(): number;
  /** The generator's whole state (a 32-bit integer): checkpoint it to resume the same sequence. */
  getState(): number;
  /** Restores a state from {@link Rng.getState}. */
  setState(state: number): void;
}

/** SplitMix32-style mixing of a 32-bit value (a bijection with good avalanche). */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Mulberry32 (Tommy Ettinger's public-domain generator): small, fast, passes the usual tests. */
export function createRng(seed: number): Rng {
  let state = mix32(seed >>> 0);
  const nextU32 = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    next: () => nextU32() / 4294967296,
    nextSeed: () => nextU32(),
    getState: () => state,
    setState: (s) => {
      state = s | 0;
    },
  };
}

/** A stable child seed for a named purpose ("weights", "shuffle", ...), independent across names. */
export function deriveSeed(seed: number, purpose: string): number {
  let h = mix32(seed >>> 0);
  for (let i = 0; i < purpose.length; i++) h = mix32(h ^ purpose.charCodeAt(i));
  return h;
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
