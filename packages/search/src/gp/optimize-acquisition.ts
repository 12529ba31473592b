/**
 * Maximizes an acquisition function over a mixed space (continuous, integer and one-hot
 * categorical columns of the unit box), after Optuna's `_gp/optim_mixed.py` and BoTorch's
 * `optimize_acqf_mixed`:
 *   1. score many quasi-random candidates (scrambled Halton) plus local ones drawn around the best
 *      observed points (BoTorch's `sample_around_best`), every one snapped to a legal point;
 *   2. from the best few, refine: L-BFGS-B on the continuous columns (integer columns with many
 *      points relaxed to continuous, then rounded), alternated with exact coordinate search over
 *      neighbouring integer points and every category, until nothing improves;
 *   3. return the best point that the caller accepts (e.g. not a duplicate of a known point).
 *
 * Notations
 *   D          encoded dimension; x ∈ [0, 1]^D
 *   α(x)       the acquisition value (maximized)
 *   C          continuous columns seen by L-BFGS-B (floats and relaxed large-range integers)
 */
import type { MixedSpace } from "../transform.ts";
import { ScrambledHalton } from "../qmc.ts";
import type { Rng } from "../rng.ts";
import type { Acquisition } from "./acquisition.ts";
import { minimizeLbfgsb } from "./lbfgsb.ts";

export interface OptimizeAcquisitionOptions {
  rng: Rng;
  /** Moves a point onto the legal points of the space (integers, one-hot). */
  snap: (x: Float64Array) => Float64Array;
  /** Whether a (snapped) point may be returned, e.g. it is not a (near-)duplicate. */
  isAcceptable: (x: Float64Array) => boolean;
  /** Quasi-random candidates. @defaultValue 1024 */
  candidates?: number;
  /** Points to draw local candidates around (e.g. the best observed points). */
  incumbents?: readonly Float64Array[];
  /** Local candidates around `incumbents`. @defaultValue 256 */
  localCandidates?: number;
  /** Candidates refined by local search. @defaultValue 5 */
  refineTop?: number;
  /** L-BFGS-B iterations per refinement round. @defaultValue 50 */
  maxIterations?: number;
}

export interface AcquisitionOptimum {
  x: Float64Array;
  value: number;
}

/** Integer columns with more points than this are relaxed to continuous during L-BFGS-B. */
const RELAX_ABOVE = 32;
/** Integer columns with at most this many points are searched exhaustively. */
const EXHAUSTIVE_UP_TO = 16;

export function optimizeAcquisition(acq: Acquisition, space: MixedSpace, o: OptimizeAcquisitionOptions): AcquisitionOptimum | undefined {
  const D = space.dim;
  const nCand = o.candidates ?? 1024;
  const incumbents = o.incumbents ?? [];
  const nLocal = incumbents.length > 0 ? (o.localCandidates ?? 256) : 0;
  const halton = new ScrambledHalton(Math.max(1, D), o.rng);
  const cands: Float64Array[] = [];
  for (let i = 0; i < nCand; i++) cands.push(o.snap(halton.point(i, new Float64Array(D))));
  // Gaussian steps of several scales around the incumbents, in turn; categories switch with
  // probability 0.15 each.
  const scales = [0.2, 0.05, 0.01, 0.002];
  for (let i = 0; i < nLocal; i++) {
    const inc = incumbents[i % incumbents.length] as Float64Array;
    const sd = scales[Math.floor(i / incumbents.length) % scales.length] as number;
    const x = Float64Array.from(inc);
    for (const c of space.continuous) x[c] = (x[c] as number) + sd * o.rng.normal();
    for (const dcol of space.discrete) x[dcol.column] = (x[dcol.column] as number) + sd * o.rng.normal();
    for (const g of space.categorical) {
      if (o.rng.next() < 0.15) {
        x.fill(0, g.start, g.start + g.size);
        x[g.start + o.rng.int(g.size)] = 1;
      }
    }
    for (let k = 0; k < D; k++) x[k] = Math.min(1, Math.max(0, x[k] as number));
    cands.push(o.snap(x));
  }
  const scores = cands.map((x) => acq.value(x));
  const order = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);

  const refined: AcquisitionOptimum[] = [];
  const top = o.refineTop ?? 5;
  for (const i of order) {
    if (refined.length >= top) break;
    const s = scores[i] as number;
    if (!Number.isFinite(s)) break;
    refined.push(refine(acq, space, o, cands[i] as Float64Array, s));
  }
  refined.sort((a, b) => b.value - a.value);
  for (const r of refined) if (o.isAcceptable(r.x)) return r;
  for (const i of order) {
    const x = cands[i] as Float64Array;
    if (Number.isFinite(scores[i] as number) && o.isAcceptable(x)) return { x, value: scores[i] as number };
  }
  return undefined;
}

function refine(acq: Acquisition, space: MixedSpace, o: OptimizeAcquisitionOptions, x0: Float64Array, v0: number): AcquisitionOptimum {
  let x = Float64Array.from(x0);
  let v = v0;
  const cols: number[] = [...space.continuous];
  const lower: number[] = space.continuous.map(() => 0);
  const upper: number[] = space.continuous.map(() => 1);
  for (const dcol of space.discrete) {
    if (dcol.count > RELAX_ABOVE) {
      cols.push(dcol.column);
      lower.push(dcol.unitOf(0));
      upper.push(dcol.unitOf(dcol.count - 1));
    }
  }
  const full = new Float64Array(space.dim);
  const gFull = new Float64Array(space.dim);
  for (let round = 0; round < 4; round++) {
    let improved = false;
    if (cols.length > 0) {
      full.set(x);
      const fg = (sub: Float64Array, g: Float64Array): number => {
        for (let k = 0; k < cols.length; k++) full[cols[k] as number] = sub[k] as number;
        const val = acq.valueAndGrad(full, gFull);
        for (let k = 0; k < cols.length; k++) g[k] = -(gFull[cols[k] as number] as number);
        return Number.isFinite(val) ? -val : Infinity;
      };
      const start = Float64Array.from(cols, (c) => x[c] as number);
      const r = minimizeLbfgsb(fg, start, lower, upper, { maxIterations: o.maxIterations ?? 50, pgtol: 1e-7, ftol: 1e-12 });
      const xn = Float64Array.from(x);
      for (let k = 0; k < cols.length; k++) xn[cols[k] as number] = r.x[k] as number;
      o.snap(xn);
      const vn = acq.value(xn);
      if (vn > v + 1e-12 * Math.abs(v)) {
        x = xn;
        v = vn;
        improved = true;
      }
    }
    for (const dcol of space.discrete) {
      const j0 = dcol.indexOf(x[dcol.column] as number);
      const tries: number[] = [];
      if (dcol.count <= EXHAUSTIVE_UP_TO) for (let j = 0; j < dcol.count; j++) tries.push(j);
      else for (const dj of [-2, -1, 1, 2]) if (j0 + dj >= 0 && j0 + dj < dcol.count) tries.push(j0 + dj);
      const keep = x[dcol.column] as number;
      let bestU = keep;
      for (const j of tries) {
        if (j === j0) continue;
        x[dcol.column] = dcol.unitOf(j);
        const vn = acq.value(x);
        if (vn > v) {
          v = vn;
          bestU = x[dcol.column] as number;
          improved = true;
        }
      }
      x[dcol.column] = bestU;
    }
    for (const g of space.categorical) {
      let cur = 0;
      for (let j = 0; j < g.size; j++) if ((x[g.start + j] as number) === 1) cur = j;
      let best = cur;
      for (let j = 0; j < g.size; j++) {
        if (j === cur) continue;
        x.fill(0, g.start, g.start + g.size);
        x[g.start + j] = 1;
        const vn = acq.value(x);
        if (vn > v) {
          v = vn;
          best = j;
          improved = true;
        }
      }
      x.fill(0, g.start, g.start + g.size);
      x[g.start + best] = 1;
    }
    if (!improved || (space.discrete.length === 0 && space.categorical.length === 0)) break;
  }
  return { x, value: v };
}
