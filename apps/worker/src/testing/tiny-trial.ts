import { deriveTrialSeed, parseSweepSpec, resolveHyperparams, type SweepSpec, type TrialPayload } from "@hyperq/protocol";

/** A sweep of one trial small enough to train in seconds (one epoch, 4 hidden units) and its payload. */
export function tinyTrial(sweepId: string, n = 0): { spec: SweepSpec; payload: TrialPayload } {
  const r = parseSweepSpec({
    name: "tiny",
    method: "random",
    budget: 1,
    epochs: 1,
    dataset: { name: "sp500", features: ["close"], target: "close", targetTransform: "log-return" },
    training: { seq_len: 8, batch_size: 256, hidden_size: 4, num_layers: 1 },
    space: { learning_rate: { type: "float", low: 0.001, high: 0.01, log: true } },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const spec = r.value;
  const params = { learning_rate: 0.005 };
  return {
    spec,
    payload: {
      sweepId,
      trialNumber: n,
      seed: deriveTrialSeed(spec.seed, n),
      params,
      hyperparams: resolveHyperparams(spec, params),
      epochs: spec.epochs,
      patience: spec.patience,
      dataset: spec.dataset,
    },
  };
}
