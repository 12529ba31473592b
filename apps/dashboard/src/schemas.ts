import { z } from "zod";
import { SWEEP_ID_PATTERN, TRIAL_STATES, type HyperqEventType, type TrialState } from "@hyperq/protocol";
import { SORT_COLUMNS, type SortKey } from "./ranking.ts";

/**
 * The API's inputs. Every route parses its path and query here; a failure is a 400 whose message
 * names the field and the rule (never a stack trace).
 */

/** A query value given once. Express gives an array when `?x=1&x=2`. */
const single = (name: string) =>
  z.string({ error: (iss) => (Array.isArray(iss.input) ? `\`${name}\` may be given once` : `\`${name}\` must be a string`) });

const intText = (name: string, min: number, max: number) =>
  single(name).transform((s, ctx) => {
    const n = /^\d{1,15}$/.test(s) ? Number(s) : NaN;
    if (Number.isNaN(n)) {
      ctx.addIssue({ code: "custom", message: `\`${name}\` must be a whole number, but got "${s.slice(0, 40)}"` });
      return z.NEVER;
    }
    if (n < min || n > max) {
      ctx.addIssue({ code: "custom", message: `\`${min} <= ${name} <= ${max}\` must hold, but got ${name}=${n}` });
      return z.NEVER;
    }
    return n;
  });

export const sweepIdSchema = z
  .string()
  .regex(SWEEP_ID_PATTERN, "a sweep id is lowercase letters, digits and dashes (at most 81), starting with a letter or digit");

export const trialNumberSchema = z
  .string()
  .regex(/^\d{1,9}$/, "a trial number is a whole number ≥ 0")
  .transform(Number);

const sortSchema = single("sort").refine(
  (s): s is SortKey => (SORT_COLUMNS as readonly string[]).includes(s) || /^param\.[a-z][a-z0-9_]{0,63}$/.test(s),
  { message: `\`sort\` must be one of ${SORT_COLUMNS.join(", ")} or param.<name>` },
);

const statesSchema = single("state").transform((s, ctx) => {
  const out: TrialState[] = [];
  for (const part of s.split(",").map((x) => x.trim()).filter(Boolean)) {
    if (!(TRIAL_STATES as readonly string[]).includes(part)) {
      ctx.addIssue({ code: "custom", message: `\`state\` takes ${TRIAL_STATES.join(", ")} (comma-separated), but got "${part}"` });
      return z.NEVER;
    }
    if (!out.includes(part as TrialState)) out.push(part as TrialState);
  }
  if (out.length === 0) {
    ctx.addIssue({ code: "custom", message: "`state` names no state; leave it out for every state" });
    return z.NEVER;
  }
  return out;
});

/** `GET /api/sweeps/:id/trials` */
export const leaderboardQuerySchema = z.strictObject({
  sort: sortSchema.optional(),
  dir: z.enum(["asc", "desc"], { error: "`dir` must be asc or desc" }).optional(),
  state: statesSchema.optional(),
  offset: intText("offset", 0, 10_000_000).optional(),
  limit: intText("limit", 1, 500).optional(),
  token: z.string().optional(),
});
export type LeaderboardQueryInput = z.output<typeof leaderboardQuerySchema>;

/** At most this many trials' curves in one request. */
export const MAX_CURVES = 20;

/** `GET /api/sweeps/:id/curves?trials=1,2,3` */
export const curvesQuerySchema = z.strictObject({
  trials: single("trials").transform((s, ctx) => {
    const parts = s.split(",").filter(Boolean);
    if (parts.length === 0 || parts.length > MAX_CURVES) {
      ctx.addIssue({ code: "custom", message: `\`trials\` takes 1 to ${MAX_CURVES} trial numbers, but got ${parts.length}` });
      return z.NEVER;
    }
    const out: number[] = [];
    for (const p of parts) {
      if (!/^\d{1,9}$/.test(p)) {
        ctx.addIssue({ code: "custom", message: `\`trials\` takes whole numbers ≥ 0, but got "${p}"` });
        return z.NEVER;
      }
      if (!out.includes(Number(p))) out.push(Number(p));
    }
    return out;
  }),
  token: z.string().optional(),
});

const EVENT_TYPES: readonly HyperqEventType[] = [
  "sweep.created",
  "sweep.state",
  "sweep.extended",
  "trial.created",
  "trial.started",
  "trial.epoch",
  "trial.finished",
  "sampler.warning",
  "sampler.asked",
];

/** `GET /api/events?sweep=<id>&types=trial.finished,sweep.state` */
export const eventsQuerySchema = z.strictObject({
  sweep: sweepIdSchema.optional(),
  types: single("types")
    .transform((s, ctx) => {
      const out: HyperqEventType[] = [];
      for (const part of s.split(",").filter(Boolean)) {
        if (!(EVENT_TYPES as readonly string[]).includes(part)) {
          ctx.addIssue({ code: "custom", message: `\`types\` takes ${EVENT_TYPES.join(", ")}, but got "${part}"` });
          return z.NEVER;
        }
        out.push(part as HyperqEventType);
      }
      return out;
    })
    .optional(),
  token: z.string().optional(),
});

/** `GET /api/sweeps/:id/history?since=<ms>`: only trials finished at or after `since`. */
export const historyQuerySchema = z.strictObject({
  since: intText("since", 0, 10 ** 15).optional(),
  token: z.string().optional(),
});

/** Query of routes that take none (the read token aside). */
export const noQuerySchema = z.strictObject({ token: z.string().optional() });

/** One line naming each problem: "`limit <= 500` must hold (limit)". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const where = i.path.map(String).join(".");
      return where ? `${where}: ${i.message}` : i.message;
    })
    .join("; ");
}
