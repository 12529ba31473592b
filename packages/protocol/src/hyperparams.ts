/**
 * The catalogue of every hyperparameter a trial may set: its kind, its legal range and its default.
 * A sweep's `training` block overrides defaults; its `space` makes some of them searched. Names follow
 * the seed document (snake_case), so `hidden_size` in a spec means `hidden_size` in the seed.
 */

/** The six LSTM variants of the seed. */
export const MODEL_VARIANTS = ["single", "multi", "bidirectional", "stacked", "encoder-decoder", "attention"] as const;
export type ModelVariant = (typeof MODEL_VARIANTS)[number];

export const OPTIMIZERS = ["adam", "sgd", "rmsprop"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const LR_SCHEDULES = ["constant", "step", "cosine"] as const;
export type LrSchedule = (typeof LR_SCHEDULES)[number];

/**
 * How the bidirectional head reads the sequence. `last-step` is the seed's choice (the output at the
 * last time step, whose backward half has seen a single step); `final-states` (the default) joins the
 * forward pass's final state with the backward pass's final state, so both halves saw the whole window.
 */
export const BIDIRECTIONAL_HEADS = ["final-states", "last-step"] as const;
export type BidirectionalHead = (typeof BIDIRECTIONAL_HEADS)[number];

export type ParamValue = number | string | boolean;

interface NumberRule {
  kind: "int" | "float";
  /** Inclusive lower bound. */
  min: number;
  /** Inclusive upper bound (exclusive when `maxExclusive`). */
  max: number;
  maxExclusive?: boolean;
  /** Strictly positive (for log-scale quantities). */
  positive?: boolean;
  doc: string;
}
interface EnumRule {
  kind: "enum";
  values: readonly string[];
  doc: string;
}
export type HyperparamRule = NumberRule | EnumRule;

/** Every tunable hyperparameter, with its legal range. Order is the order shown to users. */
export const HYPERPARAM_RULES = {
  variant: { kind: "enum", values: MODEL_VARIANTS, doc: "model variant (seed: Single/Multi/Bi/Stacked/EncoderDecoder/Attention LSTM)" },
  hidden_size: { kind: "int", min: 1, max: 1024, doc: "LSTM hidden units (seed: 32-128)" },
  num_layers: { kind: "int", min: 1, max: 8, doc: "stacked LSTM layers (seed: 1-3)" },
  dropout: { kind: "float", min: 0, max: 1, maxExclusive: true, doc: "dropout before the head and between layers (seed: 0.1-0.3)" },
  learning_rate: { kind: "float", min: 0, max: 10, positive: true, doc: "initial learning rate" },
  batch_size: { kind: "int", min: 1, max: 4096, doc: "mini-batch size (seed: 16-128, powers of two)" },
  seq_len: { kind: "int", min: 1, max: 2000, doc: "input window length in steps (seed: 5-120)" },
  optimizer: { kind: "enum", values: OPTIMIZERS, doc: "adam | sgd (with momentum) | rmsprop" },
  momentum: { kind: "float", min: 0, max: 1, maxExclusive: true, doc: "SGD momentum" },
  schedule: { kind: "enum", values: LR_SCHEDULES, doc: "learning-rate schedule: constant | step (StepLR) | cosine (CosineAnnealingLR)" },
  step_size: { kind: "int", min: 1, max: 100000, doc: "StepLR: epochs between decays" },
  gamma: { kind: "float", min: 0, max: 1, positive: true, doc: "StepLR: decay factor" },
  t_max: { kind: "int", min: 1, max: 100000, doc: "cosine schedule: epochs of one half-period" },
  weight_decay: { kind: "float", min: 0, max: 1, doc: "L2 penalty on weights" },
  clip_norm: { kind: "float", min: 0, max: 1e6, doc: "gradient clipping by global norm (0 = off)" },
  bidirectional_head: { kind: "enum", values: BIDIRECTIONAL_HEADS, doc: "bidirectional variant's head input" },
} as const satisfies Record<string, HyperparamRule>;

export type HyperparamName = keyof typeof HYPERPARAM_RULES;
export const HYPERPARAM_NAMES = Object.keys(HYPERPARAM_RULES) as HyperparamName[];

/** A trial's complete, resolved hyperparameters. */
export interface Hyperparams {
  variant: ModelVariant;
  hidden_size: number;
  num_layers: number;
  dropout: number;
  learning_rate: number;
  batch_size: number;
  seq_len: number;
  optimizer: OptimizerName;
  momentum: number;
  schedule: LrSchedule;
  step_size: number;
  gamma: number;
  t_max: number;
  weight_decay: number;
  clip_norm: number;
  bidirectional_head: BidirectionalHead;
}

/** Defaults from the seed: Adam at 1e-3, StepLR(10, 0.1), CosineAnnealingLR(T_max=50), batch 32, seq 20. */
export const DEFAULT_HYPERPARAMS: Hyperparams = {
  variant: "multi",
  hidden_size: 64,
  num_layers: 2,
  dropout: 0.2,
  learning_rate: 1e-3,
  batch_size: 32,
  seq_len: 20,
  optimizer: "adam",
  momentum: 0.9,
  schedule: "constant",
  step_size: 10,
  gamma: 0.1,
  t_max: 50,
  weight_decay: 0,
  clip_norm: 0,
  bidirectional_head: "final-states",
};

export function isHyperparamName(name: string): name is HyperparamName {
  return Object.prototype.hasOwnProperty.call(HYPERPARAM_RULES, name);
}

/**
 * Checks one value against its catalogue rule. Returns a message stating the rule and the value, or
 * `undefined` when the value is legal.
 */
export function checkHyperparam(name: HyperparamName, value: unknown): string | undefined {
  const rule: HyperparamRule = HYPERPARAM_RULES[name];
  if (rule.kind === "enum") {
    return typeof value === "string" && rule.values.includes(value)
      ? undefined
      : `must be one of ${rule.values.join(", ")}, but got ${JSON.stringify(value)}`;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) return `must be a finite number, but got ${JSON.stringify(value)}`;
  if (rule.kind === "int" && !Number.isInteger(value)) return `must be an integer, but got ${value}`;
  if (rule.positive && !(value > 0)) return `must be > 0, but got ${value}`;
  if (value < rule.min) return `must be >= ${rule.min}, but got ${value}`;
  if (rule.maxExclusive ? value >= rule.max : value > rule.max) {
    return `must be ${rule.maxExclusive ? "<" : "<="} ${rule.max}, but got ${value}`;
  }
  return undefined;
}
