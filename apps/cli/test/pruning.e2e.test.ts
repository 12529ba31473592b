/**
 * ASHA in the running system: real workers train real models, the coordinator judges every rung
 * report, and pruned trials stop exactly at the rung they were judged at.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Deployment } from "./helpers.ts";

const SPEC = `
name: e2e-asha
seed: 11
dataset: { name: sp500, features: [close, volume], target: close, targetTransform: log-return }
model: multi
method: random
budget: 9
parallelism: 2
epochs: 9
training: { seq_len: 8, batch_size: 256, num_layers: 1 }
pruner: { kind: asha, minEpochs: 1, reductionFactor: 3 }
space:
  hidden_size: [2, 4, 8]
  learning_rate: { type: float, low: 0.00003, high: 0.03, log: true }
`;

describe("ASHA pruning through coordinator and workers", () => {
  const d = new Deployment();
  beforeAll(() => {
    d.startCluster();
  });
  afterAll(() => d.stop());

  it("prunes trials at rung boundaries and saves epochs", async () => {
    const id = await d.launch(SPEC);
    const sweep = await d.until(id, ["complete"], 200_000);
    const trials = await d.store.listTrials(id);
    const rungs = [1, 3];
    const pruned = trials.filter((t) => t.state === "pruned");
    const complete = trials.filter((t) => t.state === "complete");
    expect(pruned.length).toBeGreaterThan(0);
    expect(complete.length).toBeGreaterThan(0);
    expect(pruned.length + complete.length).toBe(9);
    for (const t of pruned) {
      expect(rungs, `trial ${t.number} stopped at epoch ${t.epochsReported}`).toContain(t.epochsReported);
      expect(t.reason).toMatch(/^asha: rung \d \(epoch \d\)/);
    }
    for (const t of complete) expect(t.metrics?.epochs).toBe(9);
    const epochs = trials.reduce((a, t) => a + t.epochsReported, 0);
    expect(epochs).toBeLessThan(9 * 9);
    // Pruned trials rank below every complete one.
    const lb = await d.store.leaderboard(id);
    expect(lb.rows.map((r) => r.state)).toEqual([...complete.map(() => "complete"), ...pruned.map(() => "pruned")]);
    expect(sweep.best?.trial).toBe(lb.rows[0]?.number);
  });
});
