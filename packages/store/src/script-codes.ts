/**
 * What the store's Lua scripts answer, as one enum (BullMQ's `enums/error-code.ts`): each script's
 * header lists the codes it returns, and `reasonOf` turns a refusal code into the reason callers
 * see, in one place. Positive answers other than `Ok` are script-specific (an attempt number, a
 * count) and documented in the script's header.
 */
export enum ScriptCode {
  /** Done (or, for report-epoch, "continue"). */
  Ok = 1,
  /** Refused: not allowed in the current state, or not the owner. */
  Refused = 0,
  /** The sweep or trial does not exist. */
  Missing = -1,
  /** The trial has already finished. */
  Finished = -2,
  /** The sweep is cancelled. */
  Cancelled = -3,
  /** A budget below the trials already created. */
  BelowCreated = -4,
  /** A complete sweep with no trial left to run. */
  NothingToRun = -5,
  /** The sweep is running or paused. */
  Active = -6,
  /** Trials of the sweep are still running. */
  RunningTrials = -7,
  /** The caller no longer owns the trial (or it is not running). */
  Lost = -8,
  /** The pruner decided to stop the trial. */
  Pruned = -9,
  /** The model is not among the best `keepModels`. */
  NotInTop = -10,
}

const REASONS = {
  [ScriptCode.Refused]: "refused",
  [ScriptCode.Missing]: "missing",
  [ScriptCode.Finished]: "finished",
  [ScriptCode.Cancelled]: "cancelled",
  [ScriptCode.BelowCreated]: "below-created",
  [ScriptCode.NothingToRun]: "nothing-to-run",
  [ScriptCode.Active]: "active",
  [ScriptCode.RunningTrials]: "running-trials",
  [ScriptCode.Lost]: "lost",
  [ScriptCode.Pruned]: "pruned",
  [ScriptCode.NotInTop]: "not-in-top",
} as const;

/** The reason a refusal code stands for. */
export type ScriptReason = (typeof REASONS)[keyof typeof REASONS];

/** A script answered a code its caller does not expect: the Lua and its wrapper disagree. */
export class UnexpectedScriptCodeError extends Error {
  constructor(
    readonly script: string,
    readonly code: unknown,
    readonly expected: readonly string[],
  ) {
    super(`Lua script ${script} answered ${String(code)}, but its caller expects one of ${expected.join(", ")}`);
    this.name = "UnexpectedScriptCodeError";
  }
}

/**
 * The reason for a refusal `code`, which must be one of `expected`; any other code is a bug and
 * throws an `UnexpectedScriptCodeError` naming the script.
 */
export function reasonOf<R extends ScriptReason>(script: string, code: unknown, expected: readonly R[]): R {
  const reason = (REASONS as Record<number, ScriptReason | undefined>)[Number(code)];
  if (reason === undefined || !(expected as readonly string[]).includes(reason)) throw new UnexpectedScriptCodeError(script, code, expected);
  return reason as R;
}
