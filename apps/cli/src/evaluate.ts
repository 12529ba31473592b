import { bestBaselineRatio, resolveHyperparams, type TrialMetrics } from "@hyperq/protocol";
import { initBackend, trainModel } from "@hyperq/models";
import type { SweepStore } from "@hyperq/store";
import { compareWithBaselines, evaluateForecast, makeWindows, mseScaled, prepareDatasetCached } from "@hyperq/timeseries";
import { loadDatasetText } from "@hyperq/worker";
import { UsageError, type Config } from "./config.ts";
import { fmtNum, formatTable } from "./table.ts";
import { baselineVerdict } from "./baseline-summary.ts";

/**
 * Scores the best `top` trials of a sweep on the held-out test part, which the search never saw:
 * each is retrained from its stored parameters and seed (same initial weights and batches), its
 * kept weights predict the test windows, and the forecast is scored in original units beside the
 * naive "tomorrow equals today" forecast and every baseline on the same windows (fitted on the
 * training part), with a Diebold–Mariano test against the best baseline on the test part.
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
  let first: { trial: number; summary: string } | undefined;
  for (const [i, t] of rows.entries()) {
    const hp = resolveHyperparams(sweep.spec, t.params);
    const w = makeWindows(prepared, hp.seq_len);
    process.stderr.write(`retraining trial ${t.number} (${i + 1}/${rows.length}) on ${backend.name}...\n`);
    const out = await trainModel({
      hyperparams: hp,
      epochs: t.metrics?.epochs ?? sweep.spec.epochs,
      patience: sweep.spec.patience,
      seed: t.seed,
      data: { seqLen: w.seqLen, features: w.features, horizon: w.horizon, train: w.train, val: w.val },
      predict: w.test,
    });
    if (!out.predictions || !Number.isFinite(out.bestValLoss)) {
      table.push([String(i + 1), String(t.number), fmtNum(t.metrics?.valLoss), "diverged", "—", "—", "—", "—", "—", "—", "—", "—", "—"]);
      continue;
    }
    const test = evaluateForecast(prepared, hp.seq_len, "test", out.predictions);
    const { baselines, significance } = compareWithBaselines(prepared, hp.seq_len, "test", out.predictions);
    if (first === undefined) {
      const m: TrialMetrics = { ...(t.metrics as TrialMetrics), ...test, baselines, significance };
      first = { trial: t.number, summary: baselineVerdict(m, "test") };
    }
    table.push([
      String(i + 1),
      String(t.number),
      fmtNum(t.metrics?.valLoss),
      fmtNum(out.bestValLoss),
      fmtNum(mseScaled(w.test.y, out.predictions)),
      fmtNum(test.valMae),
      fmtNum(test.naiveMae),
      fmtNum(test.maeRatio, 3),
      baselines.best,
      fmtNum(baselines[baselines.best]?.mae),
      fmtNum(bestBaselineRatio(test.valMae, baselines), 3),
      fmtNum(significance.pValue, 2),
      significance.verdict,
    ]);
  }
  const sp = prepared.meta.splits.test;
  process.stdout.write(
    `test part: ${sp.rows} rows, ${sp.firstDate} → ${sp.lastDate}; target ${prepared.meta.target} (${prepared.meta.targetTransform}), MAE in original units\n` +
      `${formatTable(["rank", "trial", "val_loss", "val_loss_retrained", "test_loss", "test_mae", "naive_mae", "ratio", "best_baseline", "baseline_mae", "ratio_best", "dm_p", "vs_best"], table)}\n` +
      (first ? `\nbest trial (${first.trial}) on the test part: ${first.summary}\n` : ""),
  );
}
