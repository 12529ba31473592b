import { MODEL_FORMAT_VERSION, modelManifestSchema, zodIssues, type Hyperparams, type ModelManifest } from "@hyperq/protocol";
import type { WeightSnapshot } from "@hyperq/models";
import type { DatasetMeta } from "@hyperq/timeseries";
import { ModelFolderError } from "./errors.ts";
import { HYPERQ_VERSION, TFJS_VERSION } from "./version.ts";
import { encodeWeights } from "./weights.ts";

/** A model ready to store or write: its manifest and its weights (float32 little-endian). */
export interface ModelPackage {
  manifest: ModelManifest;
  weights: Uint8Array;
}

export interface PackModelInput {
  sweepId: string;
  trial: number;
  hyperparams: Hyperparams;
  /** The prepared dataset's description: columns, transforms, train-fitted scalers, splits. */
  data: DatasetMeta;
  scores: ModelManifest["scores"];
  /** The kept (best-epoch) weights. */
  weights: readonly WeightSnapshot[];
}

/** Packs a trained trial's best weights with everything needed to use them without the sweep. */
export function packModel(input: PackModelInput): ModelPackage {
  const { data, hyperparams: hp } = input;
  const { specs, bytes } = encodeWeights(input.weights);
  const splits: ModelManifest["splits"] = {};
  for (const [name, sp] of Object.entries(data.splits)) splits[name] = { rows: sp.rows, firstDate: sp.firstDate, lastDate: sp.lastDate };
  const manifest: ModelManifest = {
    formatVersion: MODEL_FORMAT_VERSION,
    hyperqVersion: HYPERQ_VERSION,
    tfjsVersion: TFJS_VERSION,
    sweepId: input.sweepId,
    trial: input.trial,
    variant: hp.variant,
    hyperparams: { ...hp },
    dateColumn: data.dateColumn,
    features: [...data.features],
    target: data.target,
    targetTransform: data.targetTransform,
    featureTransform: data.featureTransform,
    missing: data.missing,
    seqLen: hp.seq_len,
    horizon: data.horizon,
    featureScaler: data.featureScaler,
    targetScaler: data.targetScaler,
    splits,
    contentHash: data.contentHash,
    scores: input.scores,
    weights: specs,
  };
  return { manifest, weights: bytes };
}

/**
 * Validates a manifest read from a file or the store: first its format version (a manifest from
 * another version is refused before its fields are interpreted), then every field.
 *
 * @throws ModelFolderError naming the file, the field and the rule.
 */
export function checkManifest(value: unknown, file: string): ModelManifest {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new ModelFolderError(`${file} must hold a JSON object (a HyperQ model manifest)`);
  const version = (value as { formatVersion?: unknown }).formatVersion;
  if (version !== MODEL_FORMAT_VERSION) {
    const by = (value as { hyperqVersion?: unknown }).hyperqVersion;
    throw new ModelFolderError(
      `${file}: formatVersion must be ${MODEL_FORMAT_VERSION}, but got ${JSON.stringify(version) ?? "nothing"}${typeof by === "string" ? ` (written by HyperQ ${by})` : ""}; export the model again with HyperQ ${HYPERQ_VERSION}`,
    );
  }
  const r = modelManifestSchema.safeParse(value);
  if (!r.success) throw new ModelFolderError(`${file}: ${zodIssues(r.error).map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  return r.data;
}
