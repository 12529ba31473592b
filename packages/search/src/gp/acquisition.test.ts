import { describe, expect, it } from "vitest";
import { erfcx, logH, logHDerivative, LogExpectedImprovement, normalCdf } from "./acquisition.ts";
import { GaussianProcess } from "./regressor.ts";

/** References computed with mpmath at 60 digits (exp(t²) erfc(t); log(φ(z) + zΦ(z)); Φ/h). */
const ERFCX: [number, number][] = [
  [0.1, 0.8964569799691267],
  [0.7, 0.525930337349441],
  [1.9, 0.26650937366167265],
  [2.1, 0.24511912334517233],
  [5, 0.11070463773306863],
  [30, 0.01879588886141675],
  [1e3, 0.0005641893014533876],
  [1e8, 5.641895835477562e-09],
  [-0.5, 1.952360489182557],
  [-3, 16205.988853999586],
];
const LOGH: [number, number, number][] = [
  [3, 1.0987396653277077, 0.3328409684517952],
  [0.5, -0.3598276837450638, 0.9909227180041099],
  [0, -0.9189385332046728, 1.2533141373155003],
  [-0.999, -2.4832171154475855, 1.9035493173589595],
  [-1, -2.4851210257126413, 1.9042712333296918],
  [-1.5, -3.52993592080571, 2.2795806941564463],
  [-5, -16.74430116266099, 5.361816241288088],
  [-10, -55.55312203612235, 10.194383033412553],
  [-40, -808.29856835662, 40.04990665764852],
  [-100, -5010.12957880025, 100.01999400419587],
  [-1e3, -500014.73445209116, 1000.001999994],
  [-1e5, -5000000023.94479, 100000.00002],
  [-1e8, -5000000000000038.0, 100000000.00000001],
  [-1e10, -5e+19, 1e10],
];

describe("erfcx", () => {
  it.each(ERFCX)("erfcx(%d) matches a 60-digit reference", (t, ref) => {
    expect(Math.abs(erfcx(t) - ref) / ref).toBeLessThan(1e-13);
  });
});

describe("log h(z) = log(φ(z) + zΦ(z))", () => {
  it.each(LOGH)("at z = %d matches a 60-digit reference, value and derivative", (z, ref, dref) => {
    expect(Math.abs(logH(z) - ref) / Math.abs(ref)).toBeLessThan(1e-12);
    expect(Math.abs(logHDerivative(z) - dref) / dref).toBeLessThan(1e-9);
  });

  it("is finite, increasing and continuous across the regime boundaries", () => {
    let prev = -Infinity;
    for (let z = -1e9; z < 50; z = z < -10 ? z / 1.7 : z + 0.37) {
      const v = logH(z);
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(prev);
      prev = v;
    }
    const eps = 1e-9;
    expect(Math.abs(logH(-1 - eps) - logH(-1 + eps))).toBeLessThan(1e-8);
    const b = -1 / Math.sqrt(Number.EPSILON);
    expect(Math.abs(logH(b * (1 + 1e-12)) - logH(b * (1 - 1e-12))) / Math.abs(logH(b))).toBeLessThan(1e-9);
  });

  it("Φ matches known values", () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(Math.abs(normalCdf(1.959963984540054) - 0.975)).toBeLessThan(1e-15);
    expect(Math.abs(normalCdf(-10) / 7.6198530241604696e-24 - 1)).toBeLessThan(1e-12);
  });
});

describe("LogExpectedImprovement", () => {
  const X = Float64Array.from([0.1, 0.2, 0.5, 0.5, 0.9, 0.7, 0.3, 0.8]);
  const y = Float64Array.from([0.3, -1.2, 0.8, 0.1]);
  const gp = new GaussianProcess(X, y, 4, 2, { lengthscales: Float64Array.from([0.3, 0.5]), signalVar: 1.2, noiseVar: 1e-4 });

  it("equals log EI computed from the posterior directly where EI is not tiny", () => {
    const acq = new LogExpectedImprovement(gp, -1.2);
    const x = [0.4, 0.35];
    const { mean, variance } = gp.predict(x);
    const s = Math.sqrt(variance);
    const z = (-1.2 - mean) / s;
    const ei = s * (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) + z * normalCdf(z));
    expect(acq.value(x)).toBeCloseTo(Math.log(ei), 10);
  });

  it("has an analytic gradient matching finite differences, near and far from the data", () => {
    for (const best of [-1.2, -8]) {
      const acq = new LogExpectedImprovement(gp, best);
      for (const x of [
        [0.4, 0.35],
        [0.12, 0.22],
        [0.95, 0.05],
      ]) {
        const g = new Float64Array(2);
        acq.valueAndGrad(x, g);
        for (let j = 0; j < 2; j++) {
          const h = 1e-6;
          const xp = [...x];
          const xm = [...x];
          xp[j] = (xp[j] as number) + h;
          xm[j] = (xm[j] as number) - h;
          const fd = (acq.value(xp) - acq.value(xm)) / (2 * h);
          expect(Math.abs((g[j] as number) - fd)).toBeLessThan(1e-4 * Math.max(1, Math.abs(fd)));
        }
      }
    }
  });
});

describe("NegativeLowerConfidenceBound", () => {
  it("is −μ + βσ with a gradient matching finite differences", async () => {
    const { NegativeLowerConfidenceBound } = await import("./acquisition.ts");
    const X = Float64Array.from([0.1, 0.2, 0.5, 0.5, 0.9, 0.7]);
    const gp = new GaussianProcess(X, Float64Array.from([0.3, -1.2, 0.8]), 3, 2, { lengthscales: Float64Array.from([0.3, 0.5]), signalVar: 1, noiseVar: 1e-4 });
    const acq = new NegativeLowerConfidenceBound(gp, 2.5);
    const x = [0.33, 0.61];
    const p = gp.predict(x);
    expect(acq.value(x)).toBeCloseTo(-p.mean + 2.5 * Math.sqrt(p.variance), 12);
    const g = new Float64Array(2);
    acq.valueAndGrad(x, g);
    for (let j = 0; j < 2; j++) {
      const xp = [...x];
      const xm = [...x];
      xp[j] = (xp[j] as number) + 1e-6;
      xm[j] = (xm[j] as number) - 1e-6;
      expect(g[j]).toBeCloseTo((acq.value(xp) - acq.value(xm)) / 2e-6, 5);
    }
  });
});
