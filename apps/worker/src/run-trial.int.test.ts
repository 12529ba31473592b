/**
 * One trial, for real: bundled S&P 500 data, a real tfjs LSTM, the store's verbs (in-memory twin:
 * the Redis store passes the same contract suite).
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_HYPERPARAMS, deriveTrialSeed, parseSweepSpec, resolveHyperparams, type TrialPayload } from "@hyperq/protocol";
import { MemorySweepStore } from "@hyperq/store";
import { runTrial } from "./run-trial.ts";

function setup(overrides: Record<string, unknown> = {}) {
  const r = parseSweepSpec({
    name: "rt",
    method: "random",
    budget: 2,
    epochs: 2,
    dataset: { name: "sp500", features: ["close", "volume"], target: "close", targetTransform: "log-return" },
    training: { seq_len: 8, batch_size: 128, hidden_size: 4, num_layers: 1 },
    space: { learning_rate: { type: "float", low: 0.001, high: 0.01, log: true } },
    ...overrides,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const spec = r.value;
  const params = { learning_rate: 0.005 };
  const payload: TrialPayload = {
    sweepId: "s",
    trialNumber: 0,
    seed: deriveTrialSeed(spec.seed, 0),
    params,
    hyperparams: resolveHyperparams(spec, params),
    epochs: spec.epochs,
    patience: spec.patience,
    dataset: spec.dataset,
  };
  return { spec, payload };
}

describe("runTrial", () => {
  it("trains, reports every epoch and records one complete result with baselines", async () => {
    const store = new MemorySweepStore();
    const { spec, payload } = setup();
    await store.createSweep(spec, { id: "s", budget: 2 });
    await store.createTrial("s", 0, payload.params, payload.seed);
    const r = await runTrial(payload, { store, workerId: "w", token: "t1", backend: "wasm" });
    expect(r.state).toBe("complete");
    const t = await store.getTrial("s", 0);
    expect(t?.state).toBe("complete");
    expect(t?.metrics?.backend).toBe("wasm");
    expect(Number.isFinite(t?.metrics?.valLoss)).toBe(true);
    expect(t?.metrics?.naiveMae).toBeGreaterThan(5); // S&P 500 index points
    expect(t?.metrics?.maeRatio).toBeCloseTo(t!.metrics!.valMae / t!.metrics!.naiveMae, 10);
    // The baselines on the same windows and the DM test against the best of them.
    const b = t?.metrics?.baselines;
    expect(b?.naive.mae).toBeCloseTo(t!.metrics!.naiveMae, 10);
    expect(b?.mean.mae).toBeCloseTo(t!.metrics!.meanMae, 10);
    expect(t?.metrics?.significance?.baseline).toBe(b?.best);
    expect(t?.metrics?.significance?.n).toBeGreaterThan(100);
    expect((await store.epochs("s", 0)).map((e) => e.epoch)).toEqual([1, 2]);
    // The scalers (fitted on the training rows) travel with the result.
    expect(t?.metrics?.data?.featureScaler.columns).toEqual(["close", "volume"]);
    expect(t?.metrics?.data?.targetTransform).toBe("log-return");
    expect(t?.metrics?.data?.splits.train?.firstDate).toBe("2000-01-03");
    // A duplicate delivery of the same job cannot run it again.
    expect((await runTrial(payload, { store, workerId: "w2", token: "t2", backend: "wasm" })).state).toBe("skipped");
  });

  it("stops at the next epoch when the trial is to be pruned", async () => {
    const store = new MemorySweepStore();
    const { spec, payload } = setup({ epochs: 5 });
    await store.createSweep(spec, { id: "s", budget: 2 });
    await store.createTrial("s", 0, payload.params, payload.seed);
    const pending = runTrial({ ...payload, epochs: 5 }, { store, workerId: "w", token: "t1", backend: "wasm" });
    // The trial is claimed synchronously before training starts; flag it as soon as it runs.
    for (let i = 0; i < 200 && (await store.getTrial("s", 0))?.state !== "running"; i++) await new Promise((r) => setTimeout(r, 10));
    await store.decideTrial("s", 0, 1, { prune: true, reason: "test" });
    const r = await pending;
    expect(r.state).toBe("pruned");
    expect((await store.epochs("s", 0)).length).toBe(1);
  });

  it("fails a diverging trial with the reason, without throwing", async () => {
    const store = new MemorySweepStore();
    const { spec, payload } = setup();
    await store.createSweep(spec, { id: "s", budget: 2 });
    await store.createTrial("s", 0, payload.params, payload.seed);
    const hp = { ...DEFAULT_HYPERPARAMS, ...payload.hyperparams, optimizer: "sgd" as const, learning_rate: 1e6, momentum: 0.99, hidden_size: 4, num_layers: 1 };
    const r = await runTrial({ ...payload, hyperparams: hp }, { store, workerId: "w", token: "t1", backend: "wasm" });
    expect(r.state).toBe("failed");
    expect(r.reason).toMatch(/diverged/);
    expect((await store.getTrial("s", 0))?.reason).toMatch(/diverged/);
  });

  it("fails a trial whose seq_len does not fit the data, alone and permanently", async () => {
    const store = new MemorySweepStore();
    const { spec, payload } = setup();
    await store.createSweep(spec, { id: "s", budget: 2 });
    await store.createTrial("s", 0, payload.params, payload.seed);
    const hp = { ...payload.hyperparams, seq_len: 5000 };
    await expect(runTrial({ ...payload, hyperparams: hp }, { store, workerId: "w", token: "t1", backend: "wasm" })).rejects.toMatchObject({ name: "UnrecoverableError" });
    expect((await store.getTrial("s", 0))?.state).toBe("failed");
  });
});
