import { CommanderError } from "commander";
import { DashboardStartError } from "@hyperq/dashboard";
import { UsageError } from "./config.ts";

/** How a failed `hyperq` run ends: its exit status and the one line it prints on stderr, if any. */
export interface Failure {
  code: number;
  message?: string;
}

/** Exit status of a user mistake (flags, environment, spec, an unreachable Redis, a taken port). */
export const USAGE = 2;
/** Exit status of anything else that went wrong. */
export const UNEXPECTED = 1;

/**
 * Maps whatever a command threw to exactly one `hyperq: …` line and an exit status: user mistakes
 * (UsageError, a flag commander refused, a dashboard that cannot listen) exit 2; help and version
 * exit as commander says, having printed themselves; anything else exits 1, its stack shown only
 * at `HYPERQ_LOG_LEVEL=debug`.
 */
export function failureOf(e: unknown, debug = process.env.HYPERQ_LOG_LEVEL === "debug"): Failure {
  if (e instanceof UsageError || e instanceof DashboardStartError) return { code: USAGE, message: `hyperq: ${e.message}` };
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return { code: e.exitCode };
    return { code: USAGE, message: `hyperq: ${oneLine(e.message.replace(/^error: /, ""))} (see --help)` };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { code: UNEXPECTED, message: debug && err.stack ? `hyperq: ${err.stack}` : `hyperq: unexpected error: ${oneLine(err.message)}` };
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}
