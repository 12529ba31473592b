import { z } from "zod";
import type { ParamValue } from "./hyperparams.ts";

/**
 * Search-space parameters. In a spec file a parameter may be written as:
 * - a bare scalar (`seq_len: 20`): fixed;
 * - a bare list (`hidden_size: [32, 64, 128]`): categorical, as in the seed's grid;
 * - an object with `type: int | float | categorical | fixed`.
 * Any object form may carry `when: { other: [values...] }`: the parameter applies only when
 * `other` (declared earlier in the space) takes one of those values.
 */

const paramValue = z.union([z.number(), z.string(), z.boolean()]);
const condition = z.record(z.string(), z.array(paramValue).min(1, "`when` needs at least one value per parameter"));

const intParam = z.strictObject({
  type: z.literal("int"),
  low: z.number().int("`low` must be an integer"),
  high: z.number().int("`high` must be an integer"),
  log: z.boolean().default(false),
  step: z.number().int().positive().default(1),
  when: condition.optional(),
});
const floatParam = z.strictObject({
  type: z.literal("float"),
  low: z.number(),
  high: z.number(),
  log: z.boolean().default(false),
  when: condition.optional(),
});
const categoricalParam = z.strictObject({
  type: z.literal("categorical"),
  values: z.array(paramValue).min(1, "a categorical parameter needs at least one value"),
  when: condition.optional(),
});
const fixedParam = z.strictObject({
  type: z.literal("fixed"),
  value: paramValue,
  when: condition.optional(),
});

const objectParam = z.discriminatedUnion("type", [intParam, floatParam, categoricalParam, fixedParam]);

/** The normalized parameter: what samplers see. */
export type IntParam = z.output<typeof intParam>;
export type FloatParam = z.output<typeof floatParam>;
export type CategoricalParam = z.output<typeof categoricalParam>;
export type FixedParam = z.output<typeof fixedParam>;
export type ParamSpec = IntParam | FloatParam | CategoricalParam | FixedParam;
/** Ordered: a parameter's `when` may only name parameters declared before it. */
export type SearchSpace = Record<string, ParamSpec>;
/** One configuration: parameter name to value; inactive conditional parameters are absent. */
export type ParamAssignment = Record<string, ParamValue>;

/** Bare lists become categorical parameters and bare scalars fixed ones, before validation. */
function normalizeParamShorthand(raw: unknown): unknown {
  if (Array.isArray(raw)) return { type: "categorical", values: raw };
  if (typeof raw === "number" || typeof raw === "string" || typeof raw === "boolean") return { type: "fixed", value: raw };
  return raw;
}

export const paramSpecSchema = z
  .preprocess(normalizeParamShorthand, objectParam)
  .superRefine((p, ctx) => {
    if (p.type === "int" || p.type === "float") {
      if (!(p.low < p.high)) ctx.addIssue({ code: "custom", message: `\`low < high\` must hold, but got low=${p.low}, high=${p.high}` });
      if (p.log && !(p.low > 0)) ctx.addIssue({ code: "custom", message: `\`low > 0\` must hold on a log scale, but got low=${p.low}` });
      if (p.type === "int" && p.log && p.step !== 1) ctx.addIssue({ code: "custom", message: `\`step\` must be 1 on a log scale, but got step=${p.step}` });
    }
    if (p.type === "categorical") {
      // One issue per duplicated value, however often it repeats.
      const counts = new Map<string, number>();
      for (const v of p.values) counts.set(JSON.stringify(v), (counts.get(JSON.stringify(v)) ?? 0) + 1);
      for (const [key, n] of counts) {
        if (n > 1) ctx.addIssue({ code: "custom", message: `categorical values must be unique, but ${key} appears ${n === 2 ? "twice" : `${n} times`}` });
      }
    }
  });

export const searchSpaceSchema = z
  .record(z.string().regex(/^[a-z][a-z0-9_]*$/, "parameter names are snake_case"), paramSpecSchema)
  .superRefine((space, ctx) => {
    const declared = new Map<string, ParamSpec>();
    for (const [name, p] of Object.entries(space)) {
      for (const [parent, values] of Object.entries(p.when ?? {})) {
        const parentSpec = declared.get(parent);
        if (!parentSpec) {
          ctx.addIssue({ code: "custom", path: [name, "when", parent], message: `\`when\` may only name a parameter declared before "${name}", but "${parent}" is not` });
          continue;
        }
        const legal = possibleValues(parentSpec);
        if (legal === undefined) {
          ctx.addIssue({ code: "custom", path: [name, "when", parent], message: `\`when\` needs a categorical or fixed parameter, but "${parent}" is ${parentSpec.type}` });
          continue;
        }
        for (const v of values) {
          if (!legal.some((l) => l === v)) {
            ctx.addIssue({ code: "custom", path: [name, "when", parent], message: `${JSON.stringify(v)} is not a value of "${parent}" (${legal.map((l) => JSON.stringify(l)).join(", ")})` });
          }
        }
      }
      declared.set(name, p);
    }
  });

/** The finite list of values a parameter can take, or `undefined` for a continuous range. */
export function possibleValues(p: ParamSpec): ParamValue[] | undefined {
  switch (p.type) {
    case "fixed":
      return [p.value];
    case "categorical":
      return [...p.values];
    case "int":
      return undefined;
    case "float":
      return undefined;
  }
}

/** Whether `p` applies under the (partial) assignment `params`, per its `when` condition. */
export function isParamActive(p: ParamSpec, params: ParamAssignment): boolean {
  if (!p.when) return true;
  for (const [parent, values] of Object.entries(p.when)) {
    const v = params[parent];
    if (v === undefined || !values.some((x) => x === v)) return false;
  }
  return true;
}
