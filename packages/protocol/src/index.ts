/**
 * @hyperq/protocol — the schemas and names every HyperQ process shares; the single source of validation.
 *
 * ```ts
 * import { parseSweepSpecText, formatIssues } from "@hyperq/protocol";
 * const r = parseSweepSpecText(fs.readFileSync("examples/demo.yaml", "utf8"));
 * if (!r.ok) throw new Error(formatIssues(r.issues));
 * ```
 */
export {
  MODEL_VARIANTS,
  OPTIMIZERS,
  LR_SCHEDULES,
  BIDIRECTIONAL_HEADS,
  HYPERPARAM_RULES,
  HYPERPARAM_NAMES,
  DEFAULT_HYPERPARAMS,
  isHyperparamName,
  checkHyperparam,
} from "./hyperparams.ts";
export type {
  ModelVariant,
  OptimizerName,
  LrSchedule,
  BidirectionalHead,
  ParamValue,
  HyperparamRule,
  HyperparamName,
  Hyperparams,
} from "./hyperparams.ts";
export { paramSpecSchema, searchSpaceSchema, possibleValues, isParamActive } from "./space.ts";
export type { IntParam, FloatParam, CategoricalParam, FixedParam, ParamSpec, SearchSpace, ParamAssignment } from "./space.ts";
export { assignmentIssues, completeAssignment } from "./assignment.ts";
export type { AssignmentIssue } from "./assignment.ts";
export {
  BASELINE_NAMES,
  BASELINE_LABELS,
  VERDICTS,
  SIGNIFICANCE_LEVEL,
  baselineScoresSchema,
  significanceSchema,
  bestBaselineRatio,
  describeSignificance,
  formatP,
} from "./baselines.ts";
export type { BaselineName, BaselineScore, BaselineScores, Verdict, Significance } from "./baselines.ts";
export { BUNDLED_DATASETS, TARGET_TRANSFORMS, MISSING_POLICIES, SCALERS, datasetSpecSchema } from "./dataset.ts";
export type { BundledDatasetName, TargetTransform, MissingPolicy, ScalerKind, DatasetSpec, DatasetSpecInput } from "./dataset.ts";
export {
  SEARCH_METHODS,
  MAX_GRID_SIZE,
  prunerSpecSchema,
  gpOptionsSchema,
  sweepSpecSchema,
  zodIssues,
  parseSweepSpec,
  parseSweepSpecText,
  parseDatasetPart,
  formatIssues,
  resolveHyperparams,
} from "./spec.ts";
export { createRng, createResumableRng, deriveSeed, deriveTrialSeed, hashKeys, shuffleInPlace } from "./rng.ts";
export type { Rng, ResumableRng } from "./rng.ts";
export type { SearchMethod, PrunerSpec, GpOptions, SweepSpec, SweepSpecInput, SpecIssue, ParseResult } from "./spec.ts";
export {
  TRIAL_STATES,
  FINISHED_TRIAL_STATES,
  SWEEP_STATES,
  isFinishedTrialState,
  epochReportSchema,
  trialMetricsSchema,
  trialDataSchema,
} from "./trial.ts";
export type { TrialData, TrialState, SweepState, TrialPayload, EpochReport, TrialMetrics, TrialRecord, FlatParams } from "./trial.ts";
export { trialPayloadSchema, hyperparamsSchema, parseTrialPayload } from "./trial-payload.ts";
export { MODEL_FORMAT_VERSION, MODEL_WEIGHTS_FILE, modelManifestSchema, weightSpecSchema } from "./model.ts";
export type { ModelManifest, WeightSpec } from "./model.ts";
export type { HyperqEvent, HyperqEventType, StoredEvent } from "./events.ts";
export {
  DEFAULT_KEY_PREFIX,
  TRIALS_QUEUE,
  SWEEP_ID_PATTERN,
  trialJobId,
  parseTrialJobId,
  bullPrefix,
} from "./keys.ts";
export { silentLogger, createLogger, LOG_LEVELS, LOG_LINE_KEYS } from "./log.ts";
export { configSchema, trialProcessConfigSchema, trialProcessEnv } from "./config.ts";
export { trialThreadsSchema, resolveTrialThreads } from "./trial-threads.ts";
export type { Config, TrialProcessConfig } from "./config.ts";
export type { Logger, LogLevel, LoggerOptions } from "./log.ts";
