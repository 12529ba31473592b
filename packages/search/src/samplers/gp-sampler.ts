import type { GpOptions, ParamAssignment } from "@hyperq/protocol";
import type { AskRequest, AskResult, RecommendRequest, Sampler, TrialView } from "../sampler.ts";
import { configKey, SearchSpaceTransform } from "../transform.ts";
import { createRng, STREAM } from "../rng.ts";
import { latinHypercube, ScrambledHalton } from "../qmc.ts";
import { fitSurrogate, isNoisy, withFantasies, type Surrogate, type SurrogateObservation, type SurrogateOptions } from "../gp/surrogate.ts";
import { LogExpectedImprovement, NegativeLowerConfidenceBound, type Acquisition } from "../gp/acquisition.ts";
import { optimizeAcquisition } from "../gp/optimize-acquisition.ts";
import type { NoisePrior } from "../gp/regressor.ts";
import { fullHistory, isPending, observedValue, takenKeys } from "./history.ts";
import { nthUnusedGridPoint } from "./grid-sampler.ts";
import { hasExactReplicate, replicateTarget } from "./replicates.ts";

/**
 * Tuning knobs beyond the sweep spec's `gp` options: the sampling policy's here, the surrogate
 * model's in `SurrogateOptions`. The defaults are what the benchmark measured best; what was tried
 * and measured for each is in `docs/search-notes.md`.
 */
export interface GpSamplerOptions extends GpOptions, SurrogateOptions {
  /** Quasi-random acquisition candidates per suggestion. @defaultValue 512 */
  candidates?: number;
  /** Local candidates around the best observed points (BoTorch's `sample_around_best`); off by default. @defaultValue 0 */
  localCandidates?: number;
  /** Candidates refined by gradient and coordinate search. @defaultValue 5 */
  refineTop?: number;
  /** The fraction of the budget, at its end, that exploits the posterior mean when the model is noisy (see `noiseThreshold`). @defaultValue 0 */
  noisyExploitation?: number;
  /** The model counts as noisy (for `recommend` and `noisyExploitation`) when its noise variance is at least this fraction of the signal variance. @defaultValue 1e-3 */
  noiseThreshold?: number;
  /** Every m-th model-based suggestion maximizes −LCB (β = `explorationBeta`) instead of LogEI; 0 = never. @defaultValue 0 */
  explorationEvery?: number;
  /** @defaultValue 3 */
  explorationBeta?: number;
  /** A suggestion closer than this to a finished trial in every unit-box coordinate counts as a repeat. @defaultValue 1e-5 */
  minDistance?: number;
  /** A suggestion closer than this (Euclidean, unit box) to a pending trial or another suggestion of the batch counts as a repeat. @defaultValue 1e-3 */
  minPendingDistance?: number;
  /**
   * Model-based suggestions wait until `initialTrials` trials have finished; while trials of the
   * initial design are still running (asynchronous workers), further seeded quasi-random points
   * are drawn instead of a GP fitted on two or three results. No effect on sequential sweeps.
   * @defaultValue true
   */
  designUntilObserved?: boolean;
  /**
   * A trial that no later suggestion can learn from — one of the last c trials of the budget,
   * where c counts the trials outstanding when it is asked, itself included — takes the minimizer
   * of the posterior mean (−LCB with β = 0) instead of the LogEI maximizer: exploring has no value
   * left, and with pending trials the fantasies would push it away from the incumbent.
   * @defaultValue true
   */
  finalExploitation?: boolean;
  /**
   * Re-evaluation under noise (`replicates` comes from the sweep spec's `gp` options): when the
   * fitted noise variance is at least `replicateNoiseShare` of the variance of the modelled
   * values, a model-based trial evaluates the sweep's configuration with the lowest posterior mean
   * again (in a sweep, the new trial number trains it with another seed) while it has had fewer
   * than `replicates` evaluations, re-evaluations staying at most `replicateShare` of the trials
   * asked. Off once two evaluations of one configuration gave the same value (a deterministic
   * objective). Off by default: on the noisy benchmarks at 50 trials the budget did more good
   * exploring (docs/search-notes.md). @defaultValue 0.2
   */
  replicateShare?: number;
  /** See `replicateShare`. @defaultValue 0.05 */
  replicateNoiseShare?: number;
  /**
   * Surrogate options that differ for `recommend`'s fit. The default widens the noise prior to
   * Gamma(1.1, 5) (mean 0.22 against the search's 0.037): the search does better with a model
   * that nearly interpolates, the recommendation with one that averages lucky draws away
   * (docs/search-notes.md). @defaultValue `{ noisePrior: RECOMMEND_NOISE_PRIOR }`
   */
  recommendSurrogate?: SurrogateOptions;
}

/** The noise prior of `recommend`'s fit (standardized scale): Gamma(1.1, 5), mean 0.22. */
export const RECOMMEND_NOISE_PRIOR: NoisePrior = { kind: "gamma", shape: 1.1, rate: 5 };

/**
 * Bayesian optimization with a Gaussian process (in the spirit of scikit-optimize's `gp_minimize`
 * and Optuna's GPSampler):
 * - the first `initialTrials` (default max(5, 2 × searched parameters), but at most
 *   max(5, ⌊budget / 4⌋)) trials of the sweep come from a seeded maximin Latin hypercube;
 * - then the surrogate of `gp/surrogate.ts` (a Matérn-5/2 ARD GP on power-warped, standardized
 *   values with a pessimistic constant prior mean), LogEI maximized over the mixed space
 *   (`gp/optimize-acquisition.ts`);
 * - pending trials, and earlier suggestions of the same ask, enter as kriging-believer fantasies
 *   (observed at the posterior mean, hyperparameters kept), and no suggestion decodes to a
 *   configuration in the history, comes within `minDistance` of a finished trial or within
 *   `minPendingDistance` of a pending one;
 * - with asynchronous workers, the model takes over only once the initial design has finished
 *   (`designUntilObserved`), and the trials at the end of the budget whose results no later
 *   suggestion can use exploit the posterior mean (`finalExploitation`);
 * - with `replicates`, a noisy objective gets its most promising configuration evaluated again.
 *
 * The answer depends only on the request: the hyperparameter fit starts afresh on every ask (no
 * warm start across asks), so a restarted coordinator suggests what the old one would have.
 * Every fallback (no usable observation yet, failed fit, no acceptable optimum) is reported in
 * `notes`. What was tried and measured is in `docs/search-notes.md`.
 */
export class GpSampler implements Sampler {
  readonly name = "gp";
  constructor(private readonly options: GpSamplerOptions = {}) {}

  ask(req: AskRequest): AskResult {
    const tf = new SearchSpaceTransform(req.space);
    // Observations from elsewhere (a warm start) count as finished trials, initial design included.
    const history = fullHistory(req);
    const taken = takenKeys(history);
    const notes: string[] = [];
    const suggestions: ParamAssignment[] = [];
    const searched = tf.params.filter((p) => p.width > 0).length;
    // A small budget keeps a quarter of it for the design at most (at least 5 trials).
    const nInit = this.options.initialTrials ?? Math.min(Math.max(5, 2 * searched), Math.max(5, Math.floor(req.budget / 4)));
    const minDist = this.options.minDistance ?? 1e-5;
    const minPendingDist = this.options.minPendingDistance ?? 1e-3;
    // Finished trials may be approached closely (that is how a minimum is refined); pending ones,
    // whose outcome is unknown, are kept at a distance.
    const observed: Float64Array[] = [];
    const pendingPts: Float64Array[] = [];
    for (const t of history) (isPending(t) ? pendingPts : observed).push(tf.encode(t.params));
    let model: Surrogate | undefined;
    let modelTried = false;
    let design: Float64Array[] | undefined;

    const isAcceptable = (u: Float64Array): boolean => {
      if (taken.has(configKey(tf.decode(u)))) return false;
      for (const k of observed) {
        let far = false;
        for (let j = 0; j < u.length; j++) {
          if (Math.abs((u[j] as number) - (k[j] as number)) >= minDist) {
            far = true;
            break;
          }
        }
        if (!far) return false;
      }
      for (const k of pendingPts) {
        let d2 = 0;
        for (let j = 0; j < u.length; j++) d2 += ((u[j] as number) - (k[j] as number)) ** 2;
        if (d2 < minPendingDist * minPendingDist) return false;
      }
      return true;
    };

    for (let i = 0; i < req.trialNumbers.length; i++) {
      const number = req.trialNumbers[i] as number;
      const ordinal = history.length + i;
      let u: Float64Array | undefined;
      if (tf.dim === 0) {
        u = new Float64Array(0);
        if (!isAcceptable(u)) u = undefined;
      } else if (ordinal < nInit) {
        design ??= latinHypercube(nInit, tf.dim, createRng(req.seed, STREAM.initialDesign));
        const cand = tf.snap(Float64Array.from(design[ordinal] as Float64Array));
        u = isAcceptable(cand) ? cand : undefined;
      } else if ((this.options.designUntilObserved ?? true) && observed.length < nInit) {
        u = this.fallbackPoint(req, tf, number, isAcceptable);
      } else {
        if (!modelTried) {
          modelTried = true;
          model = this.buildModel(req, history, tf, notes);
        }
        if (model) {
          const m = model;
          const every = this.options.explorationEvery ?? 0;
          const explore = every > 0 && (ordinal - nInit) % every === every - 1;
          // Trials outstanding once this one is asked (pending ones, this ask's suggestions, itself).
          const outstanding = pendingPts.length - suggestions.length + req.trialNumbers.length;
          // With `noisyExploitation`, a noisy model also exploits the last part of the budget.
          const noisyTail = isNoisy(m.hyper, this.options.noiseThreshold) ? Math.floor((this.options.noisyExploitation ?? 0) * req.budget) : 0;
          const exploit = (this.options.finalExploitation ?? true) && number >= req.budget - outstanding - noisyTail;
          const acq: Acquisition = exploit
            ? new NegativeLowerConfidenceBound(m.gp, 0)
            : explore
              ? new NegativeLowerConfidenceBound(m.gp, this.options.explorationBeta ?? 3)
              : new LogExpectedImprovement(m.gp, m.best);
          const own = [...req.trials, ...suggestions.map((params, j): TrialView => ({ number: req.trialNumbers[j] as number, state: "waiting", params }))];
          const again = replicateTarget(m, own, tf, {
            maxReplicates: this.options.replicates ?? 0,
            maxShare: this.options.replicateShare ?? 0.2,
            minNoiseShare: this.options.replicateNoiseShare ?? 0.05,
          });
          const opt = again ? { x: again } : optimizeAcquisition(acq, tf.mixed, {
            rng: createRng(req.seed, number, STREAM.candidates),
            snap: (x) => tf.snap(x),
            isAcceptable,
            candidates: this.options.candidates ?? 512,
            localCandidates: this.options.localCandidates ?? 0,
            refineTop: this.options.refineTop ?? 5,
            incumbents: m.incumbents,
          });
          if (opt) u = opt.x;
          else notes.push(`gp: trial ${number}: no acceptable maximum of the acquisition (every candidate repeats a known point); used a quasi-random point`);
        }
      }
      if (tf.dim > 0 && !u) u = this.fallbackPoint(req, tf, number, isAcceptable);
      let p: ParamAssignment | undefined = u ? tf.decode(u) : undefined;
      if (!p && tf.isFinite()) {
        p = nthUnusedGridPoint(req.space, req.seed, taken, createRng(req.seed, number, STREAM.fallback).int(2 ** 31));
        if (p) u = tf.encode(p);
      }
      if (!p || !u) {
        notes.push(`gp: the search space is exhausted after ${taken.size} distinct configurations`);
        break;
      }
      taken.add(configKey(p));
      pendingPts.push(u);
      suggestions.push(p);
      if (model) model = withFantasies(model, [u], notes);
    }
    return { suggestions, notes };
  }

  /**
   * The finished configuration with the lowest posterior mean of the GP fitted to every finished
   * trial (pending ones left out), so that with a noisy objective a configuration whose low value
   * was a lucky draw, contradicted by its neighbours, is not the answer. Only when the fitted
   * noise is at least `noiseThreshold` of the signal variance: otherwise (a deterministic
   * objective fitted closely) undefined, and so is it when the GP cannot be fitted; the caller then
   * takes the best observed. A deterministic objective the GP fits poorly (Rosenbrock-4's valley)
   * reads as noisy, and there the lowest posterior mean can be worse than the best observed.
   */
  recommend(req: RecommendRequest): ParamAssignment | undefined {
    const tf = new SearchSpaceTransform(req.space);
    const finished = fullHistory(req).filter((t) => !isPending(t));
    if (tf.dim === 0 || hasExactReplicate(finished)) return undefined;
    const model = this.buildModel({ ...req, trials: finished, observations: [], trialNumbers: [], budget: finished.length }, finished, tf, [], { ...this.options, ...(this.options.recommendSurrogate ?? { noisePrior: RECOMMEND_NOISE_PRIOR }) });
    if (!model) return undefined;
    if (!isNoisy(model.hyper, this.options.noiseThreshold)) return undefined;
    let best: { x: Float64Array; mean: number } | undefined;
    for (let i = 0; i < model.nObserved; i++) {
      const x = Float64Array.from(model.X[i] as number[]);
      const mean = model.gp.predict(x).mean;
      if (!best || mean < best.mean) best = { x, mean };
    }
    if (!best) return undefined;
    const key = configKey(tf.decode(best.x));
    return finished.find((t) => configKey(t.params) === key)?.params ?? tf.decode(best.x);
  }

  /** A unique quasi-random point (scrambled Halton, seeded per trial), or undefined. */
  private fallbackPoint(req: AskRequest, tf: SearchSpaceTransform, number: number, ok: (u: Float64Array) => boolean): Float64Array | undefined {
    const h = new ScrambledHalton(tf.dim, createRng(req.seed, number, STREAM.fallback));
    for (let j = 0; j < 2048; j++) {
      const u = tf.snap(h.point(j));
      if (ok(u)) return u;
    }
    return undefined;
  }

  /** The surrogate fitted to the finished trials, with the pending ones as fantasies, or undefined (with a note). */
  private buildModel(req: AskRequest, history: readonly TrialView[], tf: SearchSpaceTransform, notes: string[], options: SurrogateOptions = this.options): Surrogate | undefined {
    const obs: SurrogateObservation[] = [];
    const pending: Float64Array[] = [];
    for (const t of history) {
      if (isPending(t)) pending.push(tf.encode(t.params));
      else {
        const v = observedValue(t);
        if (v !== undefined) obs.push({ x: tf.encode(t.params), v });
      }
    }
    const nFinite = obs.filter((o) => o.v !== "worst").length;
    if (nFinite < 1 || obs.length < 2) {
      notes.push(`gp: ${nFinite} finite result(s) among ${obs.length} finished trial(s) (${pending.length} pending): too few to fit the GP; used a quasi-random point`);
      return undefined;
    }
    return fitSurrogate(obs, pending, tf.dim, req.seed, options, notes);
  }
}
