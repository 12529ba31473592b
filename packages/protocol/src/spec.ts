import { z } from "zod";
import { parse as parseYaml } from "yaml";
import { datasetSpecSchema, type DatasetSpec } from "./dataset.ts";
import {
  DEFAULT_HYPERPARAMS,
  HYPERPARAM_NAMES,
  HYPERPARAM_RULES,
  MODEL_VARIANTS,
  checkHyperparam,
  isHyperparamName,
  type Hyperparams,
} from "./hyperparams.ts";
import { paramSpecSchema, searchSpaceSchema, type ParamAssignment, type ParamSpec } from "./space.ts";
import { assignmentIssues } from "./assignment.ts";
import { SWEEP_ID_PATTERN } from "./keys.ts";

export const SEARCH_METHODS = ["grid", "random", "gp"] as const;
export type SearchMethod = (typeof SEARCH_METHODS)[number];

/** Largest grid an int range may expand to. */
export const MAX_GRID_SIZE = 1_000_000;

export const prunerSpecSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("none") }),
  z.strictObject({
    kind: z.literal("median"),
    /** Epochs before any trial may be pruned. @defaultValue 2 */
    warmupEpochs: z.number().int().min(0).default(2),
    /** Finished or reported trials needed at an epoch before comparing. @defaultValue 4 */
    minTrials: z.number().int().min(1).default(4),
  }),
  z.strictObject({
    kind: z.literal("asha"),
    /** First rung, in epochs. @defaultValue 1 */
    minEpochs: z.number().int().min(1).default(1),
    /** Keep the top 1/η at each rung. @defaultValue 3 */
    reductionFactor: z.number().int().min(2).default(3),
    /** Last rung; defaults to the sweep's `epochs`. */
    maxEpochs: z.number().int().min(1).optional(),
  }),
]);
export type PrunerSpec = z.output<typeof prunerSpecSchema>;

export const gpOptionsSchema = z.strictObject({
  /** Quasi-random points before the GP takes over. @defaultValue max(5, 2 × dimensions), at most max(5, budget / 4) */
  initialTrials: z.number().int().min(1).optional(),
  /**
   * The last trials of the budget — those no later suggestion can learn from, as many as run at
   * once — go to the best predicted configuration instead of the expected-improvement maximizer.
   * Turn off for a sweep you mean to extend. @defaultValue true
   */
  finalExploitation: z.boolean().optional(),
  /**
   * Evaluations a promising configuration may get when the objective is noisy (a training's
   * validation loss varies with its seed): the GP then sometimes trains the configuration with the
   * lowest predicted loss again, as a new trial with a seed of its own, at most a fifth of the
   * budget. 0 or 1: never. @defaultValue 0
   */
  replicates: z.number().int().min(0).max(10).optional(),
});
export type GpOptions = z.output<typeof gpOptionsSchema>;

const trainingDefaultsSchema = z
  .record(z.string(), z.union([z.number(), z.string(), z.boolean()]))
  .superRefine((t, ctx) => {
    for (const [name, value] of Object.entries(t)) {
      if (!isHyperparamName(name)) {
        ctx.addIssue({ code: "custom", path: [name], message: `unknown hyperparameter "${name}"; known: ${HYPERPARAM_NAMES.join(", ")}` });
        continue;
      }
      const problem = checkHyperparam(name, value);
      if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem });
    }
  });

const sweepBaseSchema = z.strictObject({
  name: z.string().min(1).max(100),
  /** Sweep seed: trial seeds and sampler draws derive from it. @defaultValue 0 */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  dataset: datasetSpecSchema.prefault({ name: "sp500" }),
  /** Model variant, unless `variant` is searched in `space`. @defaultValue "multi" */
  model: z.enum(MODEL_VARIANTS).optional(),
  method: z.enum(SEARCH_METHODS),
  /** Number of trials. Defaults to the grid's size for `grid`; required otherwise. */
  budget: z.number().int().min(1).max(1_000_000).optional(),
  /** Trials in flight at once for this sweep. @defaultValue 1 */
  parallelism: z.number().int().min(1).max(10_000).default(1),
  /** Maximum epochs per trial. */
  epochs: z.number().int().min(1).max(10_000),
  /** Early stopping on validation loss, restoring the best weights; 0 = off. @defaultValue 0 */
  patience: z.number().int().min(0).default(0),
  /** Attempts per trial on transient faults (worker crash, lost lock). @defaultValue 3 */
  maxAttempts: z.number().int().min(1).max(20).default(3),
  /** Fixed hyperparameters for every trial (any not in `space`). */
  training: trainingDefaultsSchema.default({}),
  space: searchSpaceSchema,
  pruner: prunerSpecSchema.default({ kind: "none" }),
  gp: gpOptionsSchema.default({}),
  /** Configurations to run first, in order (each a point of `space`); the sampler then goes on with them in its history. */
  initial: z.array(z.record(z.string(), z.union([z.number(), z.string(), z.boolean()]))).max(10_000).optional(),
  /** A sweep whose finished trials enter this one's history as observations, without being re-run. */
  warmStartFrom: z.string().regex(SWEEP_ID_PATTERN, `a sweep id (${SWEEP_ID_PATTERN})`).optional(),
  /**
   * Complete trials per sweep whose best-epoch weights the store keeps (the best by validation
   * loss; a model falling out of the top is deleted); 0 keeps none. @defaultValue 5
   */
  keepModels: z.number().int().min(0).max(1000).default(5),
  /**
   * Epochs between training checkpoints (weights, optimizer and RNG state, epoch) that a retried
   * attempt resumes from; "auto": after every epoch that took over 10 s; 0: never. Deleted when
   * the trial ends. @defaultValue "auto"
   */
  checkpointEvery: z
    .union([z.literal("auto"), z.number().int().min(0).max(10_000)], { error: 'must be "auto" or a whole number of epochs in 0..10000 (0: never)' })
    .default("auto"),
});

export const sweepSpecSchema = sweepBaseSchema
  // Runs even when a field failed, so one pass reports every problem; hence it reads `spec` defensively.
  .superRefine((spec, ctx) => checkSweepRules(spec, ctx), { when: (payload) => isRecord(payload.value) });

/**
 * The rules that span fields. `spec` may be partly invalid here (other fields' issues are reported
 * too): only parameters that parsed are checked, and a field of the wrong type is skipped.
 */
function checkSweepRules(spec: z.output<typeof sweepBaseSchema>, ctx: z.RefinementCtx): void {
  const raw = spec as Partial<Record<keyof typeof spec, unknown>>;
  const space = isRecord(raw.space) ? raw.space : {};
  const training = isRecord(raw.training) ? raw.training : {};
  const valid = new Map<string, ParamSpec>();
  for (const [name, entry] of Object.entries(space)) {
    if (!isHyperparamName(name)) {
      ctx.addIssue({ code: "custom", path: ["space", name], message: `unknown hyperparameter "${name}"; known: ${HYPERPARAM_NAMES.join(", ")}` });
      continue;
    }
    const parsed = paramSpecSchema.safeParse(entry);
    if (!parsed.success) continue; // its own issues are already reported
    const p = parsed.data;
    valid.set(name, p);
    for (const problem of checkParamAgainstRule(name, p)) ctx.addIssue({ code: "custom", path: ["space", name, ...problem.path], message: problem.message });
    if (name in training) {
      ctx.addIssue({ code: "custom", path: ["training", name], message: `"${name}" is searched in \`space\`; it cannot also be fixed in \`training\`` });
    }
  }
  if (raw.model !== undefined && "variant" in space) {
    ctx.addIssue({ code: "custom", path: ["model"], message: "`variant` is searched in `space`; remove `model`" });
  }
  if (raw.method === "grid") {
    let size = 1;
    for (const [name, p] of valid) {
      if (p.type === "float") {
        ctx.addIssue({ code: "custom", path: ["space", name], message: "grid search needs listed values, but this is a continuous range; write a list such as [0.1, 0.2, 0.3]" });
      } else if (p.type === "int") {
        size *= gridCount(p);
      } else if (p.type === "categorical") size *= p.values.length;
    }
    if (size > MAX_GRID_SIZE) ctx.addIssue({ code: "custom", path: ["space"], message: `the grid has ${size} points; at most ${MAX_GRID_SIZE} are allowed` });
  } else if ((raw.method === "random" || raw.method === "gp") && raw.budget === undefined) {
    ctx.addIssue({ code: "custom", path: ["budget"], message: `\`budget\` (number of trials) is required for method "${raw.method}"` });
  }
  // Initial configurations are checked against the space only when every parameter of it parsed.
  if (Array.isArray(raw.initial) && valid.size === Object.keys(space).length) {
    const parsedSpace = Object.fromEntries(valid);
    raw.initial.forEach((config: unknown, i: number) => {
      if (!isRecord(config)) return; // its own issue is already reported
      for (const problem of assignmentIssues(parsedSpace, config as ParamAssignment)) ctx.addIssue({ code: "custom", path: ["initial", i, ...problem.path], message: problem.message });
    });
  }
  const pruner = isRecord(raw.pruner) ? raw.pruner : {};
  if (pruner.kind === "asha" && typeof pruner.maxEpochs === "number" && typeof raw.epochs === "number" && pruner.maxEpochs > raw.epochs) {
    ctx.addIssue({ code: "custom", path: ["pruner", "maxEpochs"], message: `\`maxEpochs <= epochs\` must hold, but got maxEpochs=${pruner.maxEpochs}, epochs=${raw.epochs}` });
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export type SweepSpec = z.output<typeof sweepSpecSchema>;
export type SweepSpecInput = z.input<typeof sweepSpecSchema>;

function gridCount(p: Extract<ParamSpec, { type: "int" }>): number {
  return Math.floor((p.high - p.low) / p.step) + 1;
}

function checkParamAgainstRule(name: keyof typeof HYPERPARAM_RULES, p: ParamSpec): { path: string[]; message: string }[] {
  const rule = HYPERPARAM_RULES[name];
  const out: { path: string[]; message: string }[] = [];
  const check = (path: string[], v: unknown) => {
    const problem = checkHyperparam(name, v);
    if (problem) out.push({ path, message: problem });
  };
  switch (p.type) {
    case "fixed":
      check(["value"], p.value);
      break;
    case "categorical":
      p.values.forEach((v, i) => check(["values", String(i)], v));
      break;
    case "int":
    case "float":
      if (rule.kind === "enum") {
        out.push({ path: [], message: `"${name}" takes one of ${rule.values.join(", ")}; use a list or \`type: categorical\`` });
      } else if (rule.kind === "int" && p.type === "float") {
        out.push({ path: ["type"], message: `"${name}" is an integer; use \`type: int\`` });
      } else {
        check(["low"], p.low);
        check(["high"], p.high);
      }
      break;
  }
  return out;
}

/** One problem in a spec: where (`space.dropout.low`) and which rule. */
export interface SpecIssue {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: SpecIssue[] };

export function zodIssues(error: z.ZodError): SpecIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: issueMessage(i) }));
}

/** zod's message, except for YAML's `.nan` / `.inf`, where zod names no rule ("expected number, received NaN"). */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.expected === "number") {
    const got = /received (NaN|Infinity|-Infinity)\b/.exec(issue.message)?.[1];
    if (got !== undefined) return `must be a finite number, but got ${got} (\`.nan\`/\`.inf\` in YAML)`;
  }
  return issue.message;
}

/** Validates an already-parsed object as a sweep spec. */
export function parseSweepSpec(input: unknown): ParseResult<SweepSpec> {
  const r = sweepSpecSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: zodIssues(r.error) };
}

/** Parses YAML (a superset of JSON) text, then validates it as a sweep spec. */
export function parseSweepSpecText(text: string): ParseResult<SweepSpec> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    // The parser quotes the offending lines under its message; keep only "… at line L, column C".
    const message = (e as Error).message.split(/:?\n/)[0] ?? "";
    return { ok: false, issues: [{ path: "(file)", message: `not valid YAML or JSON: ${message}` }] };
  }
  return parseSweepSpec(doc);
}

/**
 * The `dataset` part of spec text when it is valid on its own (the bundled default when absent),
 * so a launcher can check the file even when other fields are wrong and report every problem.
 */
export function parseDatasetPart(text: string): DatasetSpec | undefined {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return undefined;
  }
  if (!isRecord(doc)) return undefined;
  const r = datasetSpecSchema.safeParse(doc.dataset ?? { name: "sp500" });
  return r.success ? r.data : undefined;
}

export function formatIssues(issues: readonly SpecIssue[]): string {
  return issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n");
}

/** Every hyperparameter of one trial: defaults ⊕ `training` ⊕ `model` ⊕ the sampled `params`. */
export function resolveHyperparams(spec: SweepSpec, params: ParamAssignment): Hyperparams {
  const merged: Record<string, unknown> = { ...DEFAULT_HYPERPARAMS, ...spec.training };
  if (spec.model !== undefined) merged.variant = spec.model;
  for (const [k, v] of Object.entries(params)) if (isHyperparamName(k)) merged[k] = v;
  return merged as unknown as Hyperparams;
}
