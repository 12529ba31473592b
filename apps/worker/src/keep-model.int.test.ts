/**
 * A real trial keeps its model: the stored weights, read back as a forecaster with no access to
 * the sweep, forecast the validation windows with exactly the error the trial reported.
 */
import { describe, expect, it } from "vitest";
import { deriveTrialSeed, parseSweepSpec, resolveHyperparams, type TrialPayload } from "@hyperq/protocol";
import { Forecaster } from "@hyperq/forecaster";
import { MemorySweepStore } from "@hyperq/store";
import { readDatasetSource } from "@hyperq/timeseries";
import { runTrial } from "./run-trial.ts";

function setup(keepModels?: number) {
  const r = parseSweepSpec({
    name: "km",
    method: "random",
    budget: 2,
    epochs: 2,
    ...(keepModels === undefined ? {} : { keepModels }),
    dataset: { name: "sp500", features: ["close", "volume"], target: "close", targetTransform: "log-return", featureTransform: "log-return" },
    training: { seq_len: 8, batch_size: 128, hidden_size: 4, num_layers: 1 },
    space: { learning_rate: { type: "float", low: 0.001, high: 0.01, log: true } },
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

describe("a complete trial keeps its model", () => {
  it("stores the best weights with their recipe; forecasts from them reproduce the reported validation MAE", async () => {
    const store = new MemorySweepStore();
    const { spec, payload } = setup();
    await store.createSweep(spec, { id: "s", budget: 2 });
    await store.createTrial("s", 0, payload.params, payload.seed);
    expect((await runTrial(payload, { store, workerId: "w", token: "t1", backend: "wasm" })).state).toBe("complete");
    const metrics = (await store.getTrial("s", 0))!.metrics!;
    const stored = await store.getModel("s", 0);
    expect(stored?.manifest).toMatchObject({ trial: 0, variant: "multi", seqLen: 8, features: ["close", "volume"], targetTransform: "log-return" });
    expect((await store.listModels("s")).map((m) => m.trial)).toEqual([0]);

    const f = await Forecaster.fromPackage(stored!, "store");
    const { text, file } = readDatasetSource(spec.dataset, process.cwd());
    const forecasts = f.predictCsv(text, file);
    const { train, val } = stored!.manifest.splits;
    let abs = 0;
    let count = 0;
    for (let r = train!.rows + 8; r < train!.rows + val!.rows; r++) {
      const x = forecasts[r - 8]!;
      abs += Math.abs(x.forecast - x.actual!);
      count++;
    }
    expect(abs / count).toBeCloseTo(metrics.valMae, 6);
    expect(stored!.manifest.scores.valMae).toBe(metrics.valMae);
    f.dispose();
  });

  it("keeps nothing with keepModels: 0", async () => {
    const store = new MemorySweepStore();
    const { spec, payload } = setup(0);
    await store.createSweep(spec, { id: "s", budget: 2 });
    await store.createTrial("s", 0, payload.params, payload.seed);
    expect((await runTrial(payload, { store, workerId: "w", token: "t1", backend: "wasm" })).state).toBe("complete");
    expect(await store.listModels("s")).toEqual([]);
  });
});
