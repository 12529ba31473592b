import { z } from "zod";
import type { Hyperparams, ParamValue } from "./hyperparams.ts";
import type { DatasetSpec } from "./dataset.ts";
import type { ParamAssignment } from "./space.ts";
import { baselineScoresSchema, significanceSchema } from "./baselines.ts";

/** A trial's life: waiting (queued) → running → complete | pruned | failed. Finished trials never change. */
export const TRIAL_STATES = ["waiting", "running", "complete", "pruned", "failed"] as const;
export type TrialState = (typeof TRIAL_STATES)[number];
export const FINISHED_TRIAL_STATES: readonly TrialState[] = ["complete", "pruned", "failed"];
export function isFinishedTrialState(s: TrialState): boolean {
  return FINISHED_TRIAL_STATES.includes(s);
}

export const SWEEP_STATES = ["running", "paused", "complete", "cancelled"] as const;
export type SweepState = (typeof SWEEP_STATES)[number];

/** What a worker needs to train one trial; the BullMQ job's data. Self-contained: no sweep lookup. */
export interface TrialPayload {
  sweepId: string;
  trialNumber: number;
  /** Derived from the sweep seed and the trial number: same trial, same weights and batches. */
  seed: number;
  /** The sampled parameters only (what the search chose). */
  params: ParamAssignment;
  /** Every hyperparameter, resolved: defaults ⊕ the spec's `training` ⊕ `params`. */
  hyperparams: Hyperparams;
  epochs: number;
  /** Early-stopping patience in epochs; 0 = off. */
  patience: number;
  dataset: DatasetSpec;
  /**
   * Epochs after which the worker waits (briefly) for the pruner's decision before training on,
   * so a pruned trial stops exactly at the rung it was judged at. Empty without a pruner.
   */
  decisionEpochs?: number[];
}

/** After every epoch, from the training loop to the store (and the pruner). */
export const epochReportSchema = z.strictObject({
  /** 1-based. */
  epoch: z.number().int().min(1),
  trainLoss: z.number(),
  valLoss: z.number(),
  learningRate: z.number(),
  durationMs: z.number().min(0),
  /** Training samples (windows) the epoch went through: with `durationMs`, the training throughput. */
  samples: z.number().int().min(0).optional(),
});
export type EpochReport = z.output<typeof epochReportSchema>;

const scalerParamsSchema = z.object({
  kind: z.string(),
  columns: z.array(z.string()),
  offset: z.array(z.number()),
  scale: z.array(z.number()),
});

/**
 * The data a trial was scored on, stored with its result: columns, chronological splits and the
 * scalers fitted on the training rows, so its predictions can be mapped back to original units.
 */
export const trialDataSchema = z.object({
  features: z.array(z.string()),
  target: z.string(),
  targetTransform: z.string(),
  featureTransform: z.string().optional(),
  horizon: z.number().int(),
  splits: z.record(z.string(), z.object({ rows: z.number().int(), firstDate: z.string(), lastDate: z.string() })),
  featureScaler: scalerParamsSchema,
  targetScaler: scalerParamsSchema,
  targetMean: z.number(),
  contentHash: z.string(),
});
export type TrialData = z.output<typeof trialDataSchema>;

/** A finished trial's figures. `valLoss` (scaled MSE on the validation split) is the objective. */
export const trialMetricsSchema = z.strictObject({
  valLoss: z.number(),
  /** Validation MAE and RMSE of the target in original units. */
  valMae: z.number(),
  valRmse: z.number(),
  /** "Tomorrow equals today": the last observed value as the forecast, same windows, original units. */
  naiveMae: z.number(),
  /** The training-mean forecast, same windows, original units. */
  meanMae: z.number(),
  /** valMae / naiveMae: below 1 means the model beats the naive forecast. */
  maeRatio: z.number(),
  /**
   * Every baseline (naive, seasonal naive, mean, linear autoregression) on the same validation
   * windows, original units, and the best of them. Absent in results stored before baselines.
   */
  baselines: baselineScoresSchema.optional(),
  /** Diebold–Mariano test of this trial against the best baseline on the validation windows. */
  significance: significanceSchema.optional(),
  trainLoss: z.number(),
  /** Epoch (1-based) whose weights were kept. */
  bestEpoch: z.number().int().min(0),
  /** Epochs actually trained. */
  epochs: z.number().int().min(0),
  durationMs: z.number().min(0),
  backend: z.string(),
  workerId: z.string(),
  /** Columns, splits and scalers the trial was trained and scored with. */
  data: trialDataSchema.optional(),
});
export type TrialMetrics = z.output<typeof trialMetricsSchema>;

/** A trial as the store keeps it. */
export interface TrialRecord {
  sweepId: string;
  number: number;
  state: TrialState;
  seed: number;
  params: ParamAssignment;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  workerId?: string;
  /** Attempts started (a retried trial counts each). */
  attempts: number;
  /** Epoch reports received so far. */
  epochsReported: number;
  /** Best validation loss among epoch reports so far (pruned and running trials too). */
  bestValLoss?: number;
  /** Set when complete. */
  metrics?: TrialMetrics;
  /** Why it failed or was pruned. */
  reason?: string;
}

/** Scalar parameter values as they appear in a row (for CSV export and tables). */
export type FlatParams = Record<string, ParamValue>;
