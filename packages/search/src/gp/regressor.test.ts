import { describe, expect, it } from "vitest";
import { fitHyperparams, GaussianProcess, hyperparamsToTheta, logMarginalLikelihood, logPrior } from "./regressor.ts";
import { kernelMatrix, matern52 } from "./kernel.ts";
import { cholesky, cholLogDet, cholSolve, dot } from "./linalg.ts";
import { createRng } from "../rng.ts";

describe("GaussianProcess", () => {
  it("matches the closed-form posterior on two points", () => {
    // 1-D, x = {0, 1}, ℓ = 0.5, s² = 2, σ² = 0.1; K = [[2.1, c],[c, 2.1]], c = 2 m(4).
    const h = { lengthscales: Float64Array.from([0.5]), signalVar: 2, noiseVar: 0.1 };
    const gp = new GaussianProcess(Float64Array.from([0, 1]), Float64Array.from([1, -1]), 2, 1, h);
    const c = 2 * matern52(4);
    const det = 2.1 * 2.1 - c * c;
    const inv = [2.1 / det, -c / det, -c / det, 2.1 / det];
    const xs = 0.3;
    const k = [2 * matern52((xs / 0.5) ** 2), 2 * matern52(((xs - 1) / 0.5) ** 2)] as const;
    const a = [inv[0]! * 1 + inv[1]! * -1, inv[2]! * 1 + inv[3]! * -1];
    const mean = k[0] * a[0]! + k[1] * a[1]!;
    const quad = k[0] * (inv[0]! * k[0] + inv[1]! * k[1]) + k[1] * (inv[2]! * k[0] + inv[3]! * k[1]);
    const p = gp.predict([xs]);
    expect(p.mean).toBeCloseTo(mean, 12);
    expect(p.variance).toBeCloseTo(2 - quad, 12);
  });

  it("interpolates noiseless data and reverts to the prior far away", () => {
    const h = { lengthscales: Float64Array.from([0.2, 0.2]), signalVar: 1, noiseVar: 1e-10 };
    const X = Float64Array.from([0.1, 0.1, 0.9, 0.2, 0.4, 0.8]);
    const gp = new GaussianProcess(X, Float64Array.from([1, 2, 3]), 3, 2, h);
    expect(gp.predict([0.9, 0.2]).mean).toBeCloseTo(2, 6);
    expect(gp.predict([0.9, 0.2]).variance).toBeLessThan(1e-6);
    const far = gp.predict([50, 50]);
    expect(far.mean).toBeCloseTo(0, 10);
    expect(far.variance).toBeCloseTo(1, 10);
  });

  it("has posterior mean and variance gradients matching finite differences", () => {
    const rng = createRng(3);
    const n = 8;
    const d = 3;
    const X = Float64Array.from({ length: n * d }, () => rng.next());
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const gp = new GaussianProcess(X, y, n, d, { lengthscales: Float64Array.from([0.3, 0.6, 1.1]), signalVar: 1.3, noiseVar: 1e-3 });
    const x = [0.31, 0.52, 0.77];
    const dm = new Float64Array(d);
    const dv = new Float64Array(d);
    gp.predictWithGrad(x, dm, dv);
    for (let j = 0; j < d; j++) {
      const e = 1e-6;
      const xp = [...x];
      const xm = [...x];
      xp[j] = (xp[j] as number) + e;
      xm[j] = (xm[j] as number) - e;
      expect(dm[j]).toBeCloseTo((gp.predict(xp).mean - gp.predict(xm).mean) / (2 * e), 6);
      expect(dv[j]).toBeCloseTo((gp.predict(xp).variance - gp.predict(xm).variance) / (2 * e), 6);
    }
  });
});

describe("log marginal likelihood", () => {
  const rng = createRng(11);
  const n = 12;
  const d = 3;
  const X = Float64Array.from({ length: n * d }, () => rng.next());
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(6 * (X[i * d] as number)) + 0.3 * (X[i * d + 1] as number));

  it("matches −½ yᵀK⁻¹y − ½ ln|K| − n/2 ln 2π on one point", () => {
    const theta = [Math.log(0.4), Math.log(1.5), Math.log(0.2)];
    const v = logMarginalLikelihood(Float64Array.from([0.5]), Float64Array.from([0.7]), 1, 1, theta);
    const k = 1.5 + 0.2;
    expect(v).toBeCloseTo(-0.5 * (0.7 * 0.7) / k - 0.5 * Math.log(k) - 0.5 * Math.log(2 * Math.PI), 12);
  });

  it("has an analytic gradient matching central finite differences (likelihood and prior)", () => {
    const theta = Float64Array.from([Math.log(0.3), Math.log(0.8), Math.log(2), Math.log(1.4), Math.log(1e-2)]);
    const g = new Float64Array(d + 2);
    logMarginalLikelihood(X, y, n, d, theta, g);
    logPrior(theta, d, g);
    for (let j = 0; j < d + 2; j++) {
      const e = 1e-6;
      const tp = Float64Array.from(theta);
      const tm = Float64Array.from(theta);
      tp[j] = (tp[j] as number) + e;
      tm[j] = (tm[j] as number) - e;
      const fd = (logMarginalLikelihood(X, y, n, d, tp) + logPrior(tp, d) - logMarginalLikelihood(X, y, n, d, tm) - logPrior(tm, d)) / (2 * e);
      expect(Math.abs((g[j] as number) - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  });

  it("matches a dense computation with the JavaScript linear algebra (40 points, 5-d, SIMD sums in WebAssembly)", () => {
    const m = 40;
    const dim = 5;
    const r = createRng(9);
    const X2 = Float64Array.from({ length: m * dim }, () => r.next());
    const y2 = Float64Array.from({ length: m }, () => r.normal());
    const h = { lengthscales: Float64Array.from([0.2, 0.4, 0.7, 1.1, 3]), signalVar: 1.7, noiseVar: 3e-3 };
    const K = kernelMatrix(X2, m, dim, { invLs2: Float64Array.from(h.lengthscales, (l) => 1 / (l * l)), signalVar: h.signalVar });
    for (let i = 0; i < m; i++) K[i * m + i] = (K[i * m + i] as number) + h.noiseVar;
    const L = cholesky(K, m) as Float64Array;
    const a = cholSolve(L, m, y2);
    const expected = -0.5 * dot(y2, a) - 0.5 * cholLogDet(L, m) - 0.5 * m * Math.log(2 * Math.PI);
    expect(logMarginalLikelihood(X2, y2, m, dim, hyperparamsToTheta(h))).toBeCloseTo(expected, 9);
  });

  it("is −∞ with a zero gradient when the kernel matrix cannot be factored", () => {
    const X2 = Float64Array.from([0.3, 0.3]);
    const g = Float64Array.from([1, 1, 1]);
    expect(logMarginalLikelihood(X2, Float64Array.from([1, 2]), 2, 1, [Math.log(0.5), 0, -800], g)).toBe(-Infinity);
    expect(Array.from(g)).toEqual([0, 0, 0]);
  });

  it("fitting improves the posterior over the default start and finds the irrelevant dimension", () => {
    const m = 30;
    const r = createRng(5);
    const X2 = Float64Array.from({ length: m * 2 }, () => r.next());
    const y2 = Float64Array.from({ length: m }, (_, i) => Math.sin(5 * (X2[i * 2] as number)));
    const fit = fitHyperparams(X2, y2, m, 2, { rng: createRng(1), randomRestarts: 1 });
    const start = hyperparamsToTheta({ lengthscales: Float64Array.from([0.5, 0.5]), signalVar: 1, noiseVar: 1e-3 });
    expect(fit.logPosterior).toBeGreaterThan(logMarginalLikelihood(X2, y2, m, 2, start) + logPrior(start, 2));
    expect(fit.hyperparams.lengthscales[1]).toBeGreaterThan(3 * (fit.hyperparams.lengthscales[0] as number));
    expect(fit.hyperparams.noiseVar).toBeLessThan(1e-3);
  });
});
