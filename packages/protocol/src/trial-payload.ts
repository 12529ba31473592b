import { z } from "zod";
import { datasetSpecSchema } from "./dataset.ts";
import { HYPERPARAM_NAMES, checkHyperparam, type HyperparamName, type Hyperparams } from "./hyperparams.ts";
import type { TrialPayload } from "./trial.ts";

const hyperparam = (name: HyperparamName) =>
  z.unknown().superRefine((value, ctx) => {
    const problem = checkHyperparam(name, value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** A trial's resolved hyperparameters: every one present and within its catalogue rule. */
export const hyperparamsSchema = z.object(Object.fromEntries(HYPERPARAM_NAMES.map((n) => [n, hyperparam(n)]))) as unknown as z.ZodType<Hyperparams>;

/**
 * A `trials` job's data, as a worker accepts it. The queue is reachable by anyone who reaches Redis,
 * so a worker checks every job against this before it runs (see {@link parseTrialPayload}).
 */
export const trialPayloadSchema: z.ZodType<TrialPayload> = z.object({
  sweepId: z.string().min(1),
  trialNumber: z.number().int().min(0),
  seed: z.number().int(),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  hyperparams: hyperparamsSchema,
  epochs: z.number().int().min(1),
  patience: z.number().int().min(0),
  dataset: datasetSpecSchema,
  decisionEpochs: z.array(z.number().int().min(1)).optional(),
});

/**
 * Checks a job's data as a trial payload. On failure, one line naming each offending field and its
 * rule: `sweepId: Invalid input: expected string, received number; trialNumber: ...`.
 */
export function parseTrialPayload(data: unknown): { ok: true; value: TrialPayload } | { ok: false; problem: string } {
  const r = trialPayloadSchema.safeParse(data);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, problem: r.error.issues.map((i) => `${i.path.map(String).join(".") || "(payload)"}: ${i.message}`).join("; ") };
}
