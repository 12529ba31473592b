import { bestBaselineRatio, resolveHyperparams, type TrialMetrics } from "@hyperq/protocol";
import { Forecaster } from "@hyperq/forecaster";
import { initBackend, trainModel } from "@hyperq/models";
import type { SweepStore } from "@hyperq/store";
import { compareWithBaselines, evaluateForecast, makeWindows, mseScaled, prepareDatasetCached } from "@hyperq/timeseries";
import { loadDatasetText } from "@hyperq/worker";
import { UsageError, type Config } from "./config.ts";
import { fmtNum, formatTable } from "./table.ts";
import { baselineVerdict } from "./baseline-summary.ts";

/**
 * Scores the best `top` trials of a sweep on the held-out test part, which the search never saw:
 * a trial whose model the store keeps predicts with its stored best-epoch weights; any other is
 * retrained from its stored parameters and seed (same initial weights and batches), and the table
 * says which. Each forecast is scored in original units beside the naive "tomorrow equals today"
 * forecast and every baseline on the same windows (fitted on the training part), with a
 * Diebold–Mariano test against the best baseline on the test part; the validation loss is
 * recomputed from the weights used.
 */
export async function evaluateTop(store: SweepStore, sweepId: string, top: number, config: Config): Promise<void> {
  const sweep = await store.getSweep(sweepId);
  if (!sweep) throw new UsageError(`no sweep "${sweepId}" (see \`hyperq sweep list\`)`);
  const { rows } = await store.leaderboard(sweepId, { limit: top, states: ["complete"] });
  if (rows.length === 0) throw new UsageError(`sweep ${sweepId} has no complete trials to evaluate`);
  const backend = await initBackend(config.HYPERQ_BACKEND);
  const { text, file } = await loadDatasetText(store, sweep.spec.dataset, process.cwd());
  const prepared = prepareDatasetCached(sweep.spec.dataset, text, file);
  const table: string[][] = [];
  const retrained: number[] = [];
  let first: { trial: number; summary: string } | undefined;
  for (const [i, t] of rows.entries()) {
    const hp = resolveHyperparams(sweep.spec, t.params);
    const w = makeWindows(prepared, hp.seq_len);
    const stored = await store.getModel(sweepId, t.number);
    let scored: { valLoss: number; predictions: Float32Array } | undefined;
    if (stored) {
      process.stderr.write(`trial ${t.number} (${i + 1}/${rows.length}): stored weights\n`);
      const f = await Forecaster.fromPackage(stored, `sweep ${sweepId} trial ${t.number}`);
      try {
        scored = { valLoss: mseScaled(w.val.y, f.predictScaled(w.val.x, w.val.n)), predictions: f.predictScaled(w.test.x, w.test.n) };
      } finally {
        f.dispose();
      }
    } else {
      retrained.push(t.number);
      process.stderr.write(`retraining trial ${t.number} (${i + 1}/${rows.length}) on ${backend.name}: no stored weights...\n`);
      const out = await trainModel({
        hyperparams: hp,
        epochs: t.metrics?.epochs ?? sweep.spec.epochs,
        patience: sweep.spec.patience,
        seed: t.seed,
        data: { seqLen: w.seqLen, features: w.features, horizon: w.horizon, train: w.train, val: w.val },
        predict: w.test,
      });
      if (out.predictions && Number.isFinite(out.bestValLoss)) scored = { valLoss: out.bestValLoss, predictions: out.predictions };
    }
    const source = stored ? "stored" : "retrained";
    if (!scored) {
      table.push([String(i + 1), String(t.number), fmtNum(t.metrics?.valLoss), "diverged", "—", "—", "—", "—", "—", "—", "—", "—", "—", source]);
      continue;
    }
    const test = evaluateForecast(prepared, hp.seq_len, "test", scored.predictions);
    const { baselines, significance } = compareWithBaselines(prepared, hp.seq_len, "test", scored.predictions);
    if (first === undefined) {
      const m: TrialMetrics = { ...(t.metrics as TrialMetrics), ...test, baselines, significance };
      first = { trial: t.number, summary: baselineVerdict(m, "test") };
    }
    table.push([
      String(i + 1),
      String(t.number),
      fmtNum(t.metrics?.valLoss),
      fmtNum(scored.valLoss),
      fmtNum(mseScaled(w.test.y, scored.predictions)),
      fmtNum(test.valMae),
      fmtNum(test.naiveMae),
      fmtNum(test.maeRatio, 3),
      baselines.best,
      fmtNum(baselines[baselines.best]?.mae),
      fmtNum(bestBaselineRatio(test.valMae, baselines), 3),
      fmtNum(significance.pValue, 2),
      significance.verdict,
      source,
    ]);
  }
  const sp = prepared.meta.splits.test;
  process.stdout.write(
    `test part: ${sp.rows} rows, ${sp.firstDate} → ${sp.lastDate}; target ${prepared.meta.target} (${prepared.meta.targetTransform}), MAE in original units\n` +
      `${formatTable(["rank", "trial", "val_loss", "val_loss_rescored", "test_loss", "test_mae", "naive_mae", "ratio", "best_baseline", "baseline_mae", "ratio_best", "dm_p", "vs_best", "weights"], table)}\n` +
      (first ? `\nbest trial (${first.trial}) on the test part: ${first.summary}\n` : ""),
  );
  if (retrained.length > 0) {
    process.stderr.write(`retrained ${retrained.length} of ${rows.length} trials without stored weights (trials ${retrained.join(", ")}): the sweep keeps the best keepModels models only\n`);
  }
}
