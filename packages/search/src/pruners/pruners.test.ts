import { describe, expect, it } from "vitest";
import { AshaPruner } from "./asha-pruner.ts";
import { createPruner } from "./create-pruner.ts";
import { MedianPruner, median } from "./median-pruner.ts";

/** Synthetic learning curves: loss_t(e) = floor_t + 1/e, so a trial's rank is the same at every epoch. */
const curve = (floor: number) => (epoch: number) => floor + 1 / epoch;

/** Replays reports in the given order, keeping rungs as the store does; returns where each trial stopped. */
function replay(pruner: AshaPruner | MedianPruner, floors: number[], order: number[][], maxEpochs: number) {
  const rungs = new Map<number, Map<number, number>>();
  const stoppedAt = new Map<number, number>();
  const best = new Map<number, number>();
  // order: a list of [trial, epoch] reports in arrival order
  for (const [t, e] of order) {
    if (stoppedAt.has(t!)) continue;
    const v = Math.min(best.get(t!) ?? Infinity, curve(floors[t!]!)(e!));
    best.set(t!, v);
    let rung = rungs.get(e!);
    if (!rung) rungs.set(e!, (rung = new Map()));
    rung.set(t!, v);
    const d = pruner.decide({ trial: t!, epoch: e!, value: v, peers: rung });
    if (d.prune) stoppedAt.set(t!, e!);
    else if (e === maxEpochs) stoppedAt.set(t!, e!);
  }
  return stoppedAt;
}

describe("AshaPruner", () => {
  it("puts rungs at r·η^k below the maximum", () => {
    expect(new AshaPruner({ minEpochs: 1, reductionFactor: 3, maxEpochs: 27 }).rungs).toEqual([1, 3, 9]);
    expect(new AshaPruner({ minEpochs: 2, reductionFactor: 2, maxEpochs: 20 }).rungs).toEqual([2, 4, 8, 16]);
    expect(createPruner({ kind: "asha", minEpochs: 1, reductionFactor: 3 }, 9)).toMatchObject({ rungs: [1, 3] });
  });

  it("keeps the top 1/η at each rung, the best trial reaches the end, and stops happen only at rungs", () => {
    const asha = new AshaPruner({ minEpochs: 1, reductionFactor: 3, maxEpochs: 9 });
    const floors = [0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6];
    // Sequential: each trial runs to its end before the next starts.
    const order = floors.flatMap((_, t) => Array.from({ length: 9 }, (_, e) => [t, e + 1]));
    const stopped = replay(asha, floors, order, 9);
    expect(stopped.get(1)).toBe(9); // the best trial is never pruned
    for (const [t, e] of stopped) if (e !== 9) expect(asha.rungs, `trial ${t}`).toContain(e);
    const full = [...stopped.values()].filter((e) => e === 9).length;
    expect(full).toBeLessThanOrEqual(4);
    const epochs = [...stopped.values()].reduce((a, b) => a + b, 0);
    expect(epochs).toBeLessThan(floors.length * 9 * 0.6);
  });

  it("decides the same for the same rung contents whatever order results arrived in", () => {
    const asha = new AshaPruner({ minEpochs: 1, reductionFactor: 3, maxEpochs: 9 });
    const peers = new Map([[0, 0.5], [1, 0.2], [2, 0.9], [3, 0.4], [4, 0.3], [5, 0.8]]);
    const shuffled = new Map([[5, 0.8], [3, 0.4], [0, 0.5], [2, 0.9], [4, 0.3], [1, 0.2]]);
    for (const t of peers.keys()) {
      const a = asha.decide({ trial: t, epoch: 3, value: peers.get(t)!, peers });
      const b = asha.decide({ trial: t, epoch: 3, value: peers.get(t)!, peers: shuffled });
      expect(a).toEqual(b);
    }
    // top ⌊6/3⌋ = 2 continue: trials 1 (0.2) and 4 (0.3)
    expect([...peers.keys()].filter((t) => !asha.decide({ trial: t, epoch: 3, value: peers.get(t)!, peers }).prune)).toEqual([1, 4]);
  });

  it("decides on arrival, without waiting for a rung to fill (interleaved trials, both arrival orders)", () => {
    const asha = new AshaPruner({ minEpochs: 1, reductionFactor: 2, maxEpochs: 4 });
    const floors = [0.4, 0.3, 0.2, 0.1];
    const roundRobin = (trials: number[]) => {
      const order: number[][] = [];
      for (let e = 1; e <= 4; e++) for (const t of trials) order.push([t, e]);
      return order;
    };
    // Best first: the later, worse trials meet a high bar at rung 1 and stop there.
    const bestFirst = replay(asha, floors, roundRobin([3, 2, 1, 0]), 4);
    expect([...bestFirst.entries()].sort()).toEqual([[0, 1], [1, 1], [2, 1], [3, 4]]);
    // Worst first: each arrival is the best of its rung so far and is promoted at once (ASHA's
    // asynchronous optimism); only the decision for each arrival follows the rule.
    const worstFirst = replay(asha, floors, roundRobin([0, 1, 2, 3]), 4);
    expect([...worstFirst.values()]).toEqual([4, 4, 4, 4]);
  });

  it("prunes a non-finite loss at a rung", () => {
    const asha = new AshaPruner({ minEpochs: 1, reductionFactor: 3, maxEpochs: 9 });
    expect(asha.decide({ trial: 0, epoch: 1, value: NaN, peers: new Map([[0, NaN]]) }).prune).toBe(true);
    expect(asha.decide({ trial: 0, epoch: 2, value: 5, peers: new Map([[0, 5]]) }).prune).toBe(false);
  });
});

describe("MedianPruner", () => {
  it("waits for the warm-up and for enough peers, then prunes worse-than-median trials", () => {
    const m = new MedianPruner({ warmupEpochs: 2, minTrials: 3 });
    const peers = new Map([[0, 0.1], [1, 0.2], [2, 0.3], [3, 0.5]]);
    expect(m.decide({ trial: 3, epoch: 2, value: 0.5, peers }).prune).toBe(false); // warm-up
    expect(m.decide({ trial: 3, epoch: 3, value: 0.5, peers }).prune).toBe(true);
    expect(m.decide({ trial: 0, epoch: 3, value: 0.1, peers }).prune).toBe(false);
    expect(m.decide({ trial: 3, epoch: 3, value: 0.5, peers: new Map([[3, 0.5], [0, 0.1]]) }).prune).toBe(false); // too few peers
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
