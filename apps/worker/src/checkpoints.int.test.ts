/**
 * A trial whose attempt dies mid-way resumes from its last checkpoint on the next attempt and ends
 * with exactly the result of an uninterrupted run (real training, the in-memory store; the fault
 * suite does the same with kill -9 of real worker processes).
 */
import { describe, expect, it } from "vitest";
import { deriveTrialSeed, parseSweepSpec, resolveHyperparams, type TrialPayload } from "@hyperq/protocol";
import { MemorySweepStore, type SweepStore } from "@hyperq/store";
import { runTrial } from "./run-trial.ts";

function setup(id: string) {
  const r = parseSweepSpec({
    name: id,
    method: "random",
    budget: 1,
    epochs: 5,
    checkpointEvery: 1,
    dataset: { name: "sp500", features: ["close", "volume"], target: "close", targetTransform: "log-return" },
    training: { seq_len: 8, batch_size: 128, hidden_size: 4, num_layers: 2, dropout: 0.2 },
    space: { learning_rate: { type: "float", low: 0.001, high: 0.01, log: true } },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const spec = r.value;
  const params = { learning_rate: 0.005 };
  const payload: TrialPayload = { sweepId: id, trialNumber: 0, seed: deriveTrialSeed(spec.seed, 0), params, hyperparams: resolveHyperparams(spec, params), epochs: 5, patience: 0, dataset: spec.dataset };
  return { spec, payload };
}

/** The store as a worker that dies after reporting epoch `at` sees it: the next report throws. */
function dyingAfter(store: SweepStore, at: number): SweepStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === "reportEpoch") {
        return async (...args: Parameters<SweepStore["reportEpoch"]>) => {
          if (args[3].epoch > at) throw new Error("worker died");
          return target.reportEpoch(...args);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe("checkpointed trials", () => {
  it("resume after a crash at epoch 3 of 5 and end exactly as an uninterrupted run; the checkpoint is deleted", async () => {
    const store = new MemorySweepStore();
    const ref = setup("ref");
    await store.createSweep(ref.spec, { id: "ref", budget: 1 });
    await store.createTrial("ref", 0, ref.payload.params, ref.payload.seed);
    expect((await runTrial(ref.payload, { store, workerId: "w", token: "r1", backend: "wasm" })).state).toBe("complete");

    const s = setup("s");
    await store.createSweep(s.spec, { id: "s", budget: 1 });
    await store.createTrial("s", 0, s.payload.params, s.payload.seed);
    await expect(runTrial(s.payload, { store: dyingAfter(store, 3), workerId: "w", token: "a1", backend: "wasm" })).rejects.toThrow(/worker died/);
    expect(await store.getCheckpoint("s", 0)).toBeDefined();
    expect((await runTrial(s.payload, { store, workerId: "w2", token: "a2", backend: "wasm" })).state).toBe("complete");

    const a = (await store.getTrial("ref", 0))!.metrics!;
    const b = (await store.getTrial("s", 0))!;
    expect(b.attempts).toBe(2);
    for (const k of ["valLoss", "valMae", "valRmse", "trainLoss", "bestEpoch", "epochs"] as const) expect(b.metrics![k], k).toBe(a[k]);
    // The resumed attempt replayed the checkpointed epochs: the history is whole.
    expect((await store.epochs("s", 0)).map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect((await store.epochs("s", 0)).map((e) => e.valLoss)).toEqual((await store.epochs("ref", 0)).map((e) => e.valLoss));
    expect(await store.getCheckpoint("s", 0)).toBeUndefined();
    expect(await store.getCheckpoint("ref", 0)).toBeUndefined();
  });
});
