import { createRng, STREAM, type Rng } from "../rng.ts";
import { fitOutputWarp } from "./warping.ts";
import { DEFAULT_GP_BOUNDS, DEFAULT_NOISE_PRIOR, fitHyperparams, GaussianProcess, hyperparamsToTheta, type GpHyperparams, type LengthscalePrior, type NoisePrior } from "./regressor.ts";

/**
 * How the surrogate is built. Every field is optional; the defaults are the GP sampler's (see
 * `docs/search-notes.md` for what each measured).
 */
export interface SurrogateOptions {
  /** Power-transform (Box-Cox / Yeo-Johnson) the values before standardizing, when the likelihood supports it. @defaultValue true */
  warpOutputs?: boolean;
  /** Observations beyond this are subsampled (the best 40% kept, the rest drawn). @defaultValue 200 */
  maxObservations?: number;
  /**
   * The hyperparameters (and the output warp) are fitted on at most this many of the modelled
   * observations, chosen as `maxObservations` chooses; the GP is then conditioned on all of them.
   * @defaultValue 64
   */
  maxFitObservations?: number;
  /** Lower bound of the noise variance on the standardized scale. @defaultValue 1e-9 */
  minNoiseVar?: number;
  /** The fit also starts from this noise variance (standardized scale), besides 1e-3; 0 = no such start. @defaultValue 0.1 */
  noisyStart?: number;
  /** Prior on the noise variance (standardized scale). @defaultValue `DEFAULT_NOISE_PRIOR` */
  noisePrior?: NoisePrior;
  /** The incumbent: the lowest modelled value ("observed") or the lowest posterior mean over the observed points. @defaultValue "observed" */
  incumbent?: "observed" | "posterior-mean";
  /** Normal prior on ln ℓ (unit-box inputs). @defaultValue mean ln 0.5, sd 1.5 (see `defaultLengthscalePrior`) */
  lengthscalePrior?: LengthscalePrior;
  /** Bounds of the lengthscales (unit-box inputs). @defaultValue [1e-3, 1e3] */
  lengthscaleBounds?: [number, number];
  /** Random restarts of the hyperparameter fit beyond the default start. @defaultValue 1 up to 30 observations, else 0 */
  fitRestarts?: number;
  /**
   * The GP's constant prior mean on the warped, standardized values: "worst" (the highest value
   * seen, pessimistic, as De Ath, Fieldsend & Everson, GECCO 2020, recommend for minimization) or
   * "mean" (the sample mean). @defaultValue "worst"
   */
  priorMean?: "worst" | "mean";
}

/** One observed point: its unit-box encoding and its value, or "worst" for a failed or non-finite result. */
export interface SurrogateObservation {
  x: Float64Array;
  v: number | "worst";
}

/** A fitted GP ready to score candidates, with the fantasies added so far. */
export interface Surrogate {
  X: number[][];
  z: number[];
  /** Rows of X that are real observations (the rest are fantasies). */
  nObserved: number;
  /** The incumbent on the model's scale (fantasies count as observed). */
  best: number;
  hyper: GpHyperparams;
  gp: GaussianProcess;
  /** The (at most 5) best observed points, best first. */
  incumbents: Float64Array[];
}

/** Past this many pending points, only the latest ones enter as fantasies (each refactors the kernel matrix). */
const MAX_FANTASIES = 100;

/**
 * Fits a Matérn-5/2 ARD GP to `observations` (at least one finite value; `D`-dimensional unit-box
 * points) and adds `pending` points as kriging-believer fantasies. The output warp is chosen per
 * call: the power transform and plain standardization are both fitted and the higher likelihood of
 * the original values (MAP log posterior plus the warp's log-Jacobian) wins. Hyperparameters by MAP
 * with L-BFGS-B from fixed starts (plus seeded restarts), so the same inputs and `seed` give the same
 * model. Returns undefined when no fit succeeds; every fallback and approximation is reported in
 * `notes`.
 */
export function fitSurrogate(
  observations: readonly SurrogateObservation[],
  pending: readonly Float64Array[],
  D: number,
  seed: number,
  options: SurrogateOptions,
  notes: string[],
): Surrogate | undefined {
  const obs = observations;
  const finite = obs.flatMap((o) => (o.v === "worst" ? [] : [o.v]));
  const warps = (options.warpOutputs ?? true) ? [fitOutputWarp(finite, true), fitOutputWarp(finite, false)] : [fitOutputWarp(finite, false)];
  const nWorst = obs.length - finite.length;
  if (nWorst > 0) notes.push(`gp: ${nWorst} failed or non-finite result(s) modelled at the worst finite value`);
  const maxObs = options.maxObservations ?? 200;
  const maxFit = options.maxFitObservations ?? 64;
  const priorMean = options.priorMean ?? "worst";
  let chosen: { rows: { x: Float64Array; z: number }[]; X: Float64Array; z: Float64Array; hyper: GpHyperparams; score: number } | undefined;
  let fitError: unknown;
  let lastFit: { hyper: GpHyperparams } | undefined;
  for (const warp of warps) {
    const zFinite = finite.map((v) => warp.apply(v));
    const worst = Math.max(...zFinite);
    let rows = obs.map((o) => ({ x: o.x, z: o.v === "worst" ? worst : warp.apply(o.v), y: o.v }));
    if (rows.length > maxObs) rows = subsample(rows, maxObs, createRng(seed, rows.length, STREAM.subsample));
    // The GP has a zero prior mean on the shifted values: a pessimistic constant (the worst
    // value seen) unless the option asks for the sample mean (see `priorMean`).
    if (priorMean === "worst") {
      let shift = -Infinity;
      for (const r of rows) shift = Math.max(shift, r.z);
      rows = rows.map((r) => ({ ...r, z: r.z - shift }));
    }
    const { X, z } = toMatrix(rows, D);
    const fitRows = rows.length > maxFit ? subsample(rows, maxFit, createRng(seed, rows.length, STREAM.fitSubset)) : rows;
    const fitData = fitRows === rows ? { X, z } : toMatrix(fitRows, D);
    const n = fitRows.length;
    try {
      // The first candidate gets the full fit; the second starts from the first's optimum only
      // (a warm start within the call: same inputs, outputs on a similar standardized scale).
      const warm = chosen ?? lastFit;
      const fit = fitHyperparams(fitData.X, fitData.z, n, D, {
        bounds: { ...DEFAULT_GP_BOUNDS, lengthscale: options.lengthscaleBounds ?? DEFAULT_GP_BOUNDS.lengthscale, noiseVar: [options.minNoiseVar ?? 1e-9, 1] },
        rng: createRng(seed, n, STREAM.fitRestarts),
        randomRestarts: warm ? 0 : (options.fitRestarts ?? (n <= 30 ? 1 : 0)),
        ...(warm ? { starts: [hyperparamsToTheta(warm.hyper)], defaultStart: false } : {}),
        maxIterations: warm ? 30 : 100,
        pgtol: 1e-3,
        ftol: 1e-7,
        ...(options.lengthscalePrior ? { lengthscalePrior: options.lengthscalePrior } : {}),
        noisePrior: options.noisePrior ?? DEFAULT_NOISE_PRIOR,
        ...(!warm && (options.noisyStart ?? 0.1) > 0 ? { noisyStart: options.noisyStart ?? 0.1 } : {}),
      });
      lastFit = { hyper: fit.hyperparams };
      let score = fit.logPosterior;
      for (const r of fitRows) if (r.y !== "worst") score += warp.logJacobian(r.y);
      if (!chosen || score > chosen.score) chosen = { rows, X, z, hyper: fit.hyperparams, score };
    } catch (e) {
      fitError = e;
    }
  }
  if (!chosen) {
    notes.push(`gp: GP fit failed: ${(fitError as Error).message}; used a quasi-random point`);
    return undefined;
  }
  if (obs.length > maxObs) notes.push(`gp: fitted on ${maxObs} of ${obs.length} observations (the best ${Math.round(0.4 * maxObs)} and a seeded random rest)`);
  const { rows, X, z, hyper } = chosen;
  const n = rows.length;
  let gp: GaussianProcess;
  try {
    gp = new GaussianProcess(X, z, n, D, hyper);
  } catch (e) {
    notes.push(`gp: GP fit failed: ${(e as Error).message}; used a quasi-random point`);
    return undefined;
  }
  if (gp.jitter > 1e-6) notes.push(`gp: the kernel matrix needed jitter ${gp.jitter.toExponential(1)} to factor`);
  let best = Math.min(...rows.map((r) => r.z));
  if ((options.incumbent ?? "observed") === "posterior-mean") best = Math.min(...rows.map((r) => gp.predict(r.x).mean));
  const incumbents = rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.z - b.r.z || a.i - b.i)
    .slice(0, 5)
    .map((e) => e.r.x);
  let model: Surrogate = { X: rows.map((r) => Array.from(r.x)), z: Array.from(z), nObserved: n, best, hyper, gp, incumbents };
  if (pending.length > MAX_FANTASIES) notes.push(`gp: ${pending.length} pending trials; the latest ${MAX_FANTASIES} enter the model as fantasies`);
  if (pending.length > 0) model = withFantasies(model, pending.slice(-MAX_FANTASIES), notes);
  return model;
}

/**
 * Kriging believer: each point is observed at the current posterior mean, hyperparameters kept.
 * Returns `m` unchanged (with a note) when the enlarged kernel matrix cannot be factored.
 */
export function withFantasies(m: Surrogate, points: readonly Float64Array[], notes: string[]): Surrogate {
  const X = [...m.X];
  const z = [...m.z];
  for (const u of points) {
    X.push(Array.from(u));
    z.push(m.gp.predict(u).mean);
  }
  // Believed values count as observed, incumbent included: otherwise the neighbours of a fantasy
  // predicted below f* keep EI ≈ f* − μ and the batch clusters.
  const best = Math.min(m.best, ...z.slice(m.nObserved));
  const n = X.length;
  const D = m.gp.d;
  const flat = new Float64Array(n * D);
  X.forEach((row, i) => flat.set(row, i * D));
  try {
    const gp = new GaussianProcess(flat, Float64Array.from(z), n, D, m.hyper);
    return { ...m, X, z, gp, best };
  } catch (e) {
    notes.push(`gp: adding ${points.length} pending point(s) as fantasies failed (${(e as Error).message}); they are excluded only as duplicates`);
    return m;
  }
}

/** Whether the fitted noise variance is at least `threshold` (default 0.1%) of the signal variance. */
export function isNoisy(h: GpHyperparams, threshold = 1e-3): boolean {
  return h.noiseVar >= threshold * h.signalVar;
}

/** Rows as a row-major input matrix and an output vector. */
function toMatrix(rows: readonly { x: Float64Array; z: number }[], D: number): { X: Float64Array; z: Float64Array } {
  const X = new Float64Array(rows.length * D);
  const z = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    X.set(r.x, i * D);
    z[i] = r.z;
  });
  return { X, z };
}

/** `max` of `rows`: the best 40% by value and a seeded random rest, in their original order. */
function subsample<T extends { z: number }>(rows: T[], max: number, rng: Rng): T[] {
  const order = rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.z - b.r.z || a.i - b.i);
  const nBest = Math.round(0.4 * max);
  const keep = order.slice(0, nBest);
  const rest = order.slice(nBest);
  for (let i = 0; i < max - nBest; i++) {
    const j = i + rng.int(rest.length - i);
    const t = rest[i] as { r: T; i: number };
    rest[i] = rest[j] as { r: T; i: number };
    rest[j] = t;
  }
  return [...keep, ...rest.slice(0, max - nBest)].sort((a, b) => a.i - b.i).map((e) => e.r);
}
