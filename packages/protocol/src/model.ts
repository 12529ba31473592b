import { z } from "zod";
import { MISSING_POLICIES, SCALERS, TARGET_TRANSFORMS } from "./dataset.ts";
import { MODEL_VARIANTS } from "./hyperparams.ts";

/**
 * Version of the model format (`manifest.json` + the weight file, and the same pair in the store).
 * A reader refuses any other: a change to the manifest's meaning or the weight layout bumps it.
 */
export const MODEL_FORMAT_VERSION = 1;

/** The file the weights live in, beside `manifest.json`, in an exported model folder. */
export const MODEL_WEIGHTS_FILE = "weights.bin";

const scalerSchema = z.strictObject({
  kind: z.enum(SCALERS),
  columns: z.array(z.string()),
  offset: z.array(z.number()),
  scale: z.array(z.number()),
});

/**
 * One weight tensor in the weight file: float32, little-endian, row-major, stored one after the
 * other in the order listed (tfjs' `WeightsManifestEntry` without the dtype choice).
 */
export const weightSpecSchema = z.strictObject({
  name: z.string().min(1),
  shape: z.array(z.number().int().min(0)),
});
export type WeightSpec = z.output<typeof weightSpecSchema>;

/**
 * Everything needed to use a trained model without Redis or the sweep: the architecture and
 * hyperparameters, the data columns and how inputs and target were transformed and scaled
 * (scalers fitted on the trial's training part), the versions that wrote it, and the layout of
 * the weight bytes. Stored beside the weights in Redis and written as `manifest.json` on export.
 */
export const modelManifestSchema = z.strictObject({
  formatVersion: z.number().int(),
  /** HyperQ version that trained the model. */
  hyperqVersion: z.string(),
  /** `@tensorflow/tfjs-core` version that trained the model. */
  tfjsVersion: z.string(),
  sweepId: z.string(),
  trial: z.number().int().min(0),
  variant: z.enum(MODEL_VARIANTS),
  /** Every hyperparameter of the trial (resolved). */
  hyperparams: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  dateColumn: z.string(),
  /** Input columns, in the model's feature order. */
  features: z.array(z.string()).min(1),
  target: z.string(),
  targetTransform: z.enum(TARGET_TRANSFORMS),
  featureTransform: z.enum(TARGET_TRANSFORMS),
  missing: z.enum(MISSING_POLICIES),
  /** Window length the model reads (`hyperparams.seq_len`). */
  seqLen: z.number().int().min(1),
  horizon: z.number().int().min(1),
  featureScaler: scalerSchema,
  targetScaler: scalerSchema,
  /** Rows and dates of the chronological parts the trial was trained and scored on. */
  splits: z.record(z.string(), z.object({ rows: z.number().int(), firstDate: z.string(), lastDate: z.string() })),
  /** sha256 of the dataset file the model was trained on. */
  contentHash: z.string(),
  /** What the trial reported for these weights. */
  scores: z.strictObject({ valLoss: z.number(), valMae: z.number(), bestEpoch: z.number().int().min(0) }),
  weights: z.array(weightSpecSchema).min(1),
});
export type ModelManifest = z.output<typeof modelManifestSchema>;
