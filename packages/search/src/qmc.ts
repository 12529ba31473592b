import type { Rng } from "./rng.ts";

/**
 * Quasi-random point sets in the unit box.
 * - `latinHypercube`: McKay, Beckman & Conover (1979); the best of a few seeded designs by the
 *   maximin criterion (largest smallest pairwise distance), as scikit-optimize's `lhs` "maximin".
 * - `ScrambledHalton`: Halton's sequence with a seeded random permutation of the digits in every
 *   base (Faure & Lemieux 2009 style random-digit scrambling), which removes the correlation of
 *   plain Halton in higher dimensions; any point is computed from its index alone.
 */

/** `n` points in [0,1]^d (rows), stratified on every axis. */
export function latinHypercube(n: number, d: number, rng: Rng, tries = 8): Float64Array[] {
  let best: Float64Array[] = [];
  let bestScore = -1;
  for (let t = 0; t < tries; t++) {
    const pts = Array.from({ length: n }, () => new Float64Array(d));
    for (let k = 0; k < d; k++) {
      const perm = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = perm[i] as number;
        perm[i] = perm[j] as number;
        perm[j] = tmp;
      }
      for (let i = 0; i < n; i++) (pts[i] as Float64Array)[k] = ((perm[i] as number) + rng.next()) / n;
    }
    let minDist = Infinity;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let s = 0;
        const a = pts[i] as Float64Array;
        const b = pts[j] as Float64Array;
        for (let k = 0; k < d; k++) s += ((a[k] as number) - (b[k] as number)) ** 2;
        if (s < minDist) minDist = s;
      }
    }
    if (minDist > bestScore) {
      bestScore = minDist;
      best = pts;
    }
  }
  return best;
}

const PRIMES: number[] = [];
function primesUpTo(count: number): number[] {
  let c = PRIMES.length ? (PRIMES[PRIMES.length - 1] as number) + 1 : 2;
  while (PRIMES.length < count) {
    let isPrime = true;
    for (const p of PRIMES) {
      if (p * p > c) break;
      if (c % p === 0) {
        isPrime = false;
        break;
      }
    }
    if (isPrime) PRIMES.push(c);
    c++;
  }
  return PRIMES.slice(0, count);
}

/** A randomly digit-scrambled Halton sequence in `d` dimensions. */
export class ScrambledHalton {
  private readonly bases: number[];
  private readonly perms: Uint16Array[][];
  private readonly shift: Float64Array;
  private static readonly DIGITS = 24;

  constructor(readonly d: number, rng: Rng) {
    this.bases = primesUpTo(d);
    this.perms = this.bases.map((b) =>
      Array.from({ length: ScrambledHalton.DIGITS }, () => {
        // Permutations fix 0 so that trailing zero digits stay zero (the sum stays finite).
        const p = new Uint16Array(b);
        for (let i = 0; i < b; i++) p[i] = i;
        for (let i = b - 1; i > 1; i--) {
          const j = 1 + rng.int(i);
          const t = p[i] as number;
          p[i] = p[j] as number;
          p[j] = t;
        }
        return p;
      }),
    );
    // A random shift below the finest digit keeps points off the exact grid (and off 0).
    this.shift = Float64Array.from(this.bases, (b) => rng.next() * b ** -ScrambledHalton.DIGITS);
  }

  /** The point with index `i` (0-based). */
  point(i: number, out: Float64Array = new Float64Array(this.d)): Float64Array {
    for (let k = 0; k < this.d; k++) {
      const b = this.bases[k] as number;
      const perms = this.perms[k] as Uint16Array[];
      let n = i + 1;
      let f = 1 / b;
      let x = 0;
      let level = 0;
      while (level < ScrambledHalton.DIGITS) {
        const digit = n % b;
        x += ((perms[level] as Uint16Array)[digit] as number) * f;
        n = Math.floor(n / b);
        f /= b;
        level++;
        if (n === 0) break;
      }
      out[k] = Math.min(1 - 1e-12, x + (this.shift[k] as number));
    }
    return out;
  }
}
