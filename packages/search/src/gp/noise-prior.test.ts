import { describe, expect, it } from "vitest";
import { DEFAULT_NOISE_PRIOR, fitHyperparams, logMarginalLikelihood, logNoisePrior, logPrior, type NoisePrior } from "./regressor.ts";
import { createRng } from "../rng.ts";

/** Standardizes y in place (the sampler fits on standardized values). */
function standardize(y: Float64Array): number {
  const m = y.reduce((a, b) => a + b, 0) / y.length;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - m) ** 2, 0) / y.length);
  for (let i = 0; i < y.length; i++) y[i] = ((y[i] as number) - m) / sd;
  return sd;
}

describe("noise prior", () => {
  const priors: [string, NoisePrior][] = [
    ["gamma (default)", DEFAULT_NOISE_PRIOR],
    ["log-normal", { kind: "log-normal", logMean: Math.log(0.01), logSd: 2.5 }],
  ];
  for (const [name, prior] of priors) {
    it(`${name}: the derivative in ln σ² matches central finite differences`, () => {
      for (const t of [Math.log(1e-6), Math.log(1e-3), Math.log(0.05), Math.log(0.7)]) {
        const e = 1e-6;
        const fd = (logNoisePrior(t + e, prior).value - logNoisePrior(t - e, prior).value) / (2 * e);
        expect(Math.abs(logNoisePrior(t, prior).grad - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }
    });

    it(`${name}: the posterior's gradient in the noise hyperparameter matches finite differences`, () => {
      const rng = createRng(21);
      const n = 15;
      const d = 2;
      const X = Float64Array.from({ length: n * d }, () => rng.next());
      const y = Float64Array.from({ length: n }, (_, i) => Math.cos(4 * (X[i * d] as number)) + 0.2 * rng.normal());
      const theta = Float64Array.from([Math.log(0.4), Math.log(0.9), Math.log(1.2), Math.log(0.08)]);
      const post = (th: Float64Array, g?: Float64Array) => logMarginalLikelihood(X, y, n, d, th, g) + logPrior(th, d, g, undefined, prior);
      const g = new Float64Array(d + 2);
      post(theta, g);
      const e = 1e-6;
      const tp = Float64Array.from(theta);
      const tm = Float64Array.from(theta);
      tp[d + 1] = (tp[d + 1] as number) + e;
      tm[d + 1] = (tm[d + 1] as number) - e;
      const fd = (post(tp) - post(tm)) / (2 * e);
      expect(Math.abs((g[d + 1] as number) - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    });
  }

  it("the default prior with a noisy start recovers a known noise level within a factor of 2", () => {
    // 60 points of a smooth 3-d function plus Gaussian noise of sd 0.25 (before standardizing).
    const rng = createRng(7);
    const n = 60;
    const d = 3;
    const X = Float64Array.from({ length: n * d }, () => rng.next());
    const noiseSd = 0.25;
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * (X[i * d] as number)) + (X[i * d + 1] as number) ** 2 + noiseSd * rng.normal());
    const scale = standardize(y);
    const truth = (noiseSd / scale) ** 2;
    const learned = fitHyperparams(X, y, n, d, { noisyStart: 0.1 }).hyperparams.noiseVar;
    expect(learned).toBeGreaterThan(truth / 2);
    expect(learned).toBeLessThan(truth * 2);
    // Without the noisy start the fit stays in the interpolating optimum.
    expect(fitHyperparams(X, y, n, d).hyperparams.noiseVar).toBeLessThan(truth / 10);
  });

  it("keeps the noise small on noiseless data", () => {
    const rng = createRng(8);
    const n = 40;
    const d = 2;
    const X = Float64Array.from({ length: n * d }, () => rng.next());
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * (X[i * d] as number)) + (X[i * d + 1] as number) ** 2);
    standardize(y);
    expect(fitHyperparams(X, y, n, d, { noisyStart: 0.1 }).hyperparams.noiseVar).toBeLessThan(1e-3);
  });
});
