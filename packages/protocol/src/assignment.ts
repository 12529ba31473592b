import type { ParamValue } from "./hyperparams.ts";
import { isParamActive, type ParamAssignment, type SearchSpace } from "./space.ts";

/** One way a configuration breaks a space: the parameter (empty for the whole) and the rule. */
export interface AssignmentIssue {
  path: string[];
  message: string;
}

/**
 * Every way `params` fails to be a point of `space`: a parameter the space does not have, a value
 * outside its range, list or step, a conditional parameter given while inactive, or a searched
 * parameter left out. Fixed parameters may be left out (`completeAssignment` fills them in).
 *
 * ```ts
 * assignmentIssues(space, { dropout: 0.9 }); // [{ path: ["dropout"], message: "0.9 is outside [0.1, 0.3]" }]
 * ```
 */
export function assignmentIssues(space: SearchSpace, params: Readonly<Record<string, ParamValue>>): AssignmentIssue[] {
  const out: AssignmentIssue[] = [];
  for (const k of Object.keys(params)) {
    if (!(k in space)) out.push({ path: [k], message: `"${k}" is not a parameter of \`space\` (${Object.keys(space).join(", ") || "empty"})` });
  }
  const complete = completeAssignment(space, params);
  for (const [name, p] of Object.entries(space)) {
    const v = params[name];
    if (!isParamActive(p, complete)) {
      if (v !== undefined) out.push({ path: [name], message: `"${name}" applies only when ${JSON.stringify(p.when)}, so it must be left out here` });
      continue;
    }
    if (v === undefined) {
      if (p.type !== "fixed") out.push({ path: [name], message: `"${name}" is searched, so every configuration must give it a value` });
      continue;
    }
    const shown = JSON.stringify(v);
    switch (p.type) {
      case "fixed":
        if (v !== p.value) out.push({ path: [name], message: `"${name}" is fixed at ${JSON.stringify(p.value)}, but got ${shown}` });
        break;
      case "categorical":
        if (!p.values.some((x) => x === v)) out.push({ path: [name], message: `${shown} is not one of ${p.values.map((x) => JSON.stringify(x)).join(", ")}` });
        break;
      case "float":
        if (typeof v !== "number" || !(v >= p.low && v <= p.high)) out.push({ path: [name], message: `\`${p.low} <= value <= ${p.high}\` must hold, but got ${shown}` });
        break;
      case "int":
        if (typeof v !== "number" || !Number.isInteger(v) || v < p.low || v > p.high) {
          out.push({ path: [name], message: `an integer with \`${p.low} <= value <= ${p.high}\` is required, but got ${shown}` });
        } else if ((v - p.low) % p.step !== 0) {
          out.push({ path: [name], message: `the value must be ${p.low} plus a multiple of step ${p.step}, but got ${shown}` });
        }
        break;
    }
  }
  return out;
}

/**
 * The configuration with every active fixed parameter of `space` filled in and parameters the
 * space does not have (or that are inactive) left out: the form a sampler would suggest it in.
 */
export function completeAssignment(space: SearchSpace, params: Readonly<Record<string, ParamValue>>): ParamAssignment {
  const out: ParamAssignment = {};
  for (const [name, p] of Object.entries(space)) {
    if (!isParamActive(p, out)) continue;
    const v = params[name] ?? (p.type === "fixed" ? p.value : undefined);
    if (v !== undefined) out[name] = v;
  }
  return out;
}
