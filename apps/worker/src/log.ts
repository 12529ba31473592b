import type { Logger } from "@hyperq/protocol";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 } as const;
export type LogLevel = keyof typeof LEVELS;

/**
 * A JSON-lines logger on stderr (one object per line: time, level, msg, fields). Small on purpose:
 * sandboxed trial processes use it without pulling in a logging library.
 */
export function jsonLogger(base: Record<string, unknown>, level: LogLevel = "info", out: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const min = LEVELS[level];
  const emit = (lvl: Exclude<LogLevel, "silent">) => (fields: Record<string, unknown>, msg: string) => {
    if (LEVELS[lvl] < min) return;
    out(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...base, ...fields })}\n`);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
