import { UnrecoverableError } from "bullmq";
import {
  silentLogger,
  type DatasetSpec,
  type EpochReport,
  type Logger,
  type TrialData,
  type TrialMetrics,
  type TrialPayload,
  type TrialState,
} from "@hyperq/protocol";
import type { EpochDecision, SweepStore } from "@hyperq/store";
import { DatasetError, type DatasetMeta, compareWithBaselines, evaluateForecast, makeWindows, prepareDatasetCached, readDatasetSource } from "@hyperq/timeseries";
import { initBackend, trainModel } from "@hyperq/models";
import { keepModel } from "./keep-model.ts";
import { trialCheckpoints } from "./checkpoints.ts";

/**
 * A fault that retrying cannot fix: the trial is failed in the store and BullMQ does not retry.
 * BullMQ's own `UnrecoverableError`, thrown as is: a trial process hands its error to the worker by
 * IPC, where BullMQ recognises it by its name, which a subclass would change.
 */
export function permanentTrialError(message: string, cause?: unknown): UnrecoverableError {
  const e = new UnrecoverableError(message);
  if (cause !== undefined) e.cause = cause;
  return e;
}

export interface RunTrialContext {
  store: SweepStore;
  workerId: string;
  /** Unique to this attempt: the store accepts this attempt's writes only while it owns the trial. */
  token: string;
  log?: Logger;
  /** Backend to load (else HYPERQ_BACKEND, else the best available). */
  backend?: string;
  /** Longest wait for the pruner's decision at a decision epoch; then training goes on. @defaultValue 5000 */
  decisionWaitMs?: number;
  /** Where bundled datasets and relative paths resolve from. @defaultValue process.cwd() */
  baseDir?: string;
}

export interface RunTrialResult {
  /** The trial's state after this attempt; "skipped" when it was not ours to run. */
  state: TrialState | "skipped";
  reason?: string;
  metrics?: TrialMetrics;
}

const datasetTexts = new Map<string, { text: string; file: string }>();

/** A dataset's file text: user files come from the store by content hash, bundled ones from disk. Cached per process. */
export async function loadDatasetText(store: SweepStore, spec: DatasetSpec, baseDir: string): Promise<{ text: string; file: string }> {
  const key = spec.contentHash ?? `${spec.name ?? ""}|${spec.path ?? ""}`;
  const hit = datasetTexts.get(key);
  if (hit) return hit;
  let got: { text: string; file: string };
  if (spec.contentHash) {
    const text = await store.getBlob(spec.contentHash);
    if (text === undefined) throw permanentTrialError(`dataset ${spec.path ?? spec.contentHash} (sha256 ${spec.contentHash}) is not in the store`);
    got = { text, file: spec.path ?? `sha256:${spec.contentHash}` };
  } else {
    got = readDatasetSource(spec, baseDir);
  }
  datasetTexts.set(key, got);
  return got;
}

/** What the result keeps of the prepared dataset: enough to map predictions back to original units. */
function trialData(meta: DatasetMeta): TrialData {
  const splits: TrialData["splits"] = {};
  for (const [name, sp] of Object.entries(meta.splits)) splits[name] = { rows: sp.rows, firstDate: sp.firstDate, lastDate: sp.lastDate };
  return {
    features: meta.features,
    target: meta.target,
    targetTransform: meta.targetTransform,
    featureTransform: meta.featureTransform,
    horizon: meta.horizon,
    splits,
    featureScaler: meta.featureScaler,
    targetScaler: meta.targetScaler,
    targetMean: meta.targetMean,
    contentHash: meta.contentHash,
  };
}

/** Waits until the coordinator has judged the report at `epoch` (or `waitMs` passes: go on). */
async function awaitPruneDecision(store: SweepStore, sweepId: string, n: number, epoch: number, waitMs: number): Promise<EpochDecision> {
  const until = Date.now() + waitMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    const d = await store.trialDecision(sweepId, n);
    if (d.prune) return { decision: "stop", reason: "pruned" };
    if (d.epoch >= epoch || Date.now() >= until) return { decision: "continue" };
    await new Promise((r) => setTimeout(r, delay));
  }
}

/**
 * Runs one attempt of one trial: claim it, prepare its windows, train, report every epoch (and stop
 * when the store says pruned, cancelled or lost), score the kept weights in original units, and
 * record exactly one outcome. A bad trial (bad data for its seq_len, diverged training) is failed
 * with a reason; other errors propagate so BullMQ retries the attempt.
 */
export async function runTrial(payload: TrialPayload, ctx: RunTrialContext): Promise<RunTrialResult> {
  const { store, token, workerId } = ctx;
  const log = ctx.log ?? silentLogger;
  const { sweepId, trialNumber: n, hyperparams: hp } = payload;
  const where = { sweepId, trial: n, workerId };

  const claim = await store.claimTrial(sweepId, n, { workerId, token });
  if (!claim.ok) {
    log.info({ ...where, reason: claim.reason }, "trial not claimed");
    return { state: "skipped", reason: claim.reason };
  }
  log.info({ ...where, attempt: claim.attempt, params: payload.params }, "trial started");
  const started = performance.now();

  const fail = async (reason: string): Promise<RunTrialResult> => {
    await store.failTrial(sweepId, n, token, reason);
    log.warn({ ...where, reason }, "trial failed");
    return { state: "failed", reason };
  };

  let windows;
  let prepared;
  try {
    const { text, file } = await loadDatasetText(store, payload.dataset, ctx.baseDir ?? process.cwd());
    prepared = prepareDatasetCached(payload.dataset, text, file);
    windows = makeWindows(prepared, hp.seq_len);
  } catch (e) {
    if (e instanceof DatasetError || e instanceof UnrecoverableError) {
      await fail(`bad data for this trial: ${e.message}`);
      throw permanentTrialError(e.message, e);
    }
    throw e;
  }

  const backend = await initBackend(ctx.backend);
  log.info({ ...where, backend: backend.name, lstmKernels: backend.lstmKernels, ...(backend.threads ? { threads: backend.threads } : {}) }, "backend ready");
  let decision: EpochDecision = { decision: "continue" };
  const checkpoints = await trialCheckpoints(store, payload, token, windows.train.n, log);
  await checkpoints.replay();
  const outcome = await trainModel({
    ...(checkpoints.resume ? { resume: checkpoints.resume } : {}),
    ...(checkpoints.option ? { checkpoint: checkpoints.option } : {}),
    hyperparams: hp,
    epochs: payload.epochs,
    patience: payload.patience,
    seed: payload.seed,
    data: { seqLen: windows.seqLen, features: windows.features, horizon: windows.horizon, train: windows.train, val: windows.val },
    onEpoch: async (report: EpochReport) => {
      decision = await store.reportEpoch(sweepId, n, token, report);
      log.debug({ ...where, ...report }, "epoch");
      if (decision.decision === "continue" && payload.decisionEpochs?.includes(report.epoch)) {
        decision = await awaitPruneDecision(store, sweepId, n, report.epoch, ctx.decisionWaitMs ?? 5000);
        if (decision.decision === "stop") log.info({ ...where, epoch: report.epoch }, "pruner says stop");
      }
      return decision.decision;
    },
  });

  // TypeScript cannot see the callback's writes to `decision`.
  const last = decision as EpochDecision;
  // The trial ends here unless another attempt took it over (that one resumes from the checkpoint).
  if (!(last.decision === "stop" && last.reason === "lost")) await checkpoints.clear();
  if (outcome.status === "diverged") return fail(outcome.reason ?? "diverged");
  if (outcome.status === "stopped" && last.decision === "stop") {
    if (last.reason === "pruned") {
      await store.pruneTrial(sweepId, n, token, `stopped after epoch ${outcome.epochs}`);
      log.info({ ...where, epoch: outcome.epochs }, "trial pruned");
      return { state: "pruned" };
    }
    if (last.reason === "cancelled") return fail("cancelled");
    log.warn({ ...where }, "trial lost to another attempt; result dropped");
    return { state: "skipped", reason: "lost" };
  }
  if (!Number.isFinite(outcome.bestValLoss)) return fail(`diverged: validation loss is ${outcome.bestValLoss}`);

  const forecast = evaluateForecast(prepared, hp.seq_len, "val", outcome.valPredictions);
  // The DM test runs here, where the per-window errors are: the result keeps its statistic and p-value, not the errors.
  const { baselines, significance } = compareWithBaselines(prepared, hp.seq_len, "val", outcome.valPredictions);
  const metrics: TrialMetrics = {
    valLoss: outcome.bestValLoss,
    ...forecast,
    baselines,
    significance,
    trainLoss: outcome.trainLoss,
    bestEpoch: outcome.bestEpoch,
    epochs: outcome.epochs,
    durationMs: Math.round(performance.now() - started),
    backend: backend.name,
    workerId,
    data: trialData(prepared.meta),
  };
  if (await store.completeTrial(sweepId, n, token, metrics)) {
    if (outcome.bestWeights) await keepModel(store, payload, token, prepared.meta, outcome.bestWeights, metrics, log);
    log.info({ ...where, valLoss: metrics.valLoss, valMae: metrics.valMae, naiveMae: metrics.naiveMae, bestBaseline: baselines.best, verdict: significance.verdict, epochs: metrics.epochs, ms: metrics.durationMs }, "trial complete");
    return { state: "complete", metrics };
  }
  log.warn({ ...where }, "result refused: the trial was taken over or finished meanwhile");
  return { state: "skipped", reason: "refused" };
}
