import { describe, expect, it } from "vitest";
import { createRng } from "../rng.ts";
import { fitSurrogate, withFantasies, type SurrogateObservation } from "./surrogate.ts";

/** n seeded points of the 2-d unit box with the values of a smooth bowl (minimum at (0.3, 0.7)). */
function bowl(n: number, seed: number): SurrogateObservation[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const x = Float64Array.from([rng.next(), rng.next()]);
    return { x, v: 3 * ((x[0] as number) - 0.3) ** 2 + ((x[1] as number) - 0.7) ** 2 + 0.5 * Math.sin(5 * (x[0] as number)) };
  });
}

describe("fitSurrogate", () => {
  it("shifts the modelled values so that the worst is 0 with the pessimistic prior mean, not with the sample mean", () => {
    const obs = bowl(12, 1);
    const worst = fitSurrogate(obs, [], 2, 7, {}, []);
    const mean = fitSurrogate(obs, [], 2, 7, { priorMean: "mean" }, []);
    expect(worst && Math.max(...worst.z)).toBe(0);
    expect(mean && Math.max(...mean.z)).toBeGreaterThan(0);
    // The lowest value is the incumbent and the first of the incumbents.
    const iBest = obs.reduce((b, o, i) => ((o.v as number) < (obs[b]?.v as number) ? i : b), 0);
    expect(worst?.best).toBe(Math.min(...(worst?.z ?? [])));
    expect(worst?.incumbents[0]).toBe(obs[iBest]?.x);
  });

  it("models a failed result at the worst finite value and says so", () => {
    const obs: SurrogateObservation[] = [...bowl(8, 2), { x: Float64Array.from([0.9, 0.1]), v: "worst" }];
    const notes: string[] = [];
    const s = fitSurrogate(obs, [], 2, 3, {}, notes);
    expect(s?.z[8]).toBe(0);
    expect(notes).toContain("gp: 1 failed or non-finite result(s) modelled at the worst finite value");
  });

  it("beyond maxObservations keeps the best 40% and a seeded random rest, the same for the same seed", () => {
    const obs = bowl(30, 4);
    const notes: string[] = [];
    const a = fitSurrogate(obs, [], 2, 5, { maxObservations: 10 }, notes);
    const b = fitSurrogate(obs, [], 2, 5, { maxObservations: 10 }, []);
    expect(a?.nObserved).toBe(10);
    expect(notes).toContain("gp: fitted on 10 of 30 observations (the best 4 and a seeded random rest)");
    const kept = new Set(a?.X.map((r) => r.join()));
    const best4 = [...obs].sort((p, q) => (p.v as number) - (q.v as number)).slice(0, 4);
    for (const o of best4) expect(kept.has(Array.from(o.x).join())).toBe(true);
    expect(b?.X).toEqual(a?.X);
    expect(b?.hyper).toEqual(a?.hyper);
  });

  it("adds pending points as fantasies at the posterior mean, keeping the hyperparameters", () => {
    const obs = bowl(10, 6);
    const s = fitSurrogate(obs, [], 2, 1, {}, []);
    if (!s) throw new Error("no fit");
    const u = Float64Array.from([0.55, 0.45]);
    const before = s.gp.predict(u);
    const f = withFantasies(s, [u], []);
    expect(f.X).toHaveLength(11);
    expect(f.nObserved).toBe(10);
    expect(f.z[10]).toBe(before.mean);
    expect(f.hyper).toBe(s.hyper);
    expect(f.gp.predict(u).variance).toBeLessThan(before.variance);
    expect(f.best).toBe(Math.min(s.best, before.mean));
    // Pending points given to the fit enter the same way.
    const g = fitSurrogate(obs, [u], 2, 1, {}, []);
    expect(g?.X).toEqual(f.X);
    expect(g?.z).toEqual(f.z);
  });
});
