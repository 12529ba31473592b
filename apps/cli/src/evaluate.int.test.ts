/**
 * `sweep evaluate` on real trials: the trial whose model the sweep kept is scored with its stored
 * weights, the other is retrained from its seed, and the output says which.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { deriveTrialSeed, parseSweepSpec, resolveHyperparams, type TrialPayload } from "@hyperq/protocol";
import { MemorySweepStore } from "@hyperq/store";
import { runTrial } from "@hyperq/worker";
import { loadConfig } from "./config.ts";
import { evaluateTop } from "./evaluate.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("evaluateTop", () => {
  it("uses stored weights where the sweep kept them and retrains the rest, saying so", async () => {
    const r = parseSweepSpec({
      name: "ev",
      method: "random",
      budget: 2,
      epochs: 2,
      keepModels: 1,
      dataset: { name: "sp500", features: ["close", "volume"], target: "close", targetTransform: "log-return" },
      training: { seq_len: 8, batch_size: 128, hidden_size: 4, num_layers: 1 },
      space: { learning_rate: [0.002, 0.008] },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const spec = r.value;
    const store = new MemorySweepStore();
    await store.createSweep(spec, { id: "ev", budget: 2 });
    for (const [n, lr] of [0.002, 0.008].entries()) {
      const params = { learning_rate: lr };
      const payload: TrialPayload = { sweepId: "ev", trialNumber: n, seed: deriveTrialSeed(spec.seed, n), params, hyperparams: resolveHyperparams(spec, params), epochs: 2, patience: 0, dataset: spec.dataset };
      await store.createTrial("ev", n, params, payload.seed);
      expect((await runTrial(payload, { store, workerId: "w", token: `t${n}`, backend: "wasm" })).state).toBe("complete");
    }
    const kept = (await store.listModels("ev")).map((m) => m.trial);
    expect(kept).toHaveLength(1);

    let stdout = "";
    let stderr = "";
    vi.spyOn(process.stdout, "write").mockImplementation((s) => ((stdout += String(s)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((s) => ((stderr += String(s)), true));
    await evaluateTop(store, "ev", 2, loadConfig({ HYPERQ_BACKEND: "wasm" }));
    vi.restoreAllMocks();

    // The table: a title line, its header and rule, then one row per trial up to the blank line before the summary.
    const rows = stdout.split("\n\n")[0]!.trim().split("\n").slice(3).map((l) => l.trim().split(/\s+/));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const [, trial, stored, rescored] = row;
      expect(row.at(-1)).toBe(Number(trial) === kept[0] ? "stored" : "retrained");
      expect(rescored, `trial ${trial}`).toBe(stored);
    }
    const other = [0, 1].find((n) => n !== kept[0]);
    expect(stderr).toContain(`retrained 1 of 2 trials without stored weights (trials ${other})`);
  });
});
