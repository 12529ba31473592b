/** The structured logger every process takes (pino's call shape: fields first, then the message). */
export interface Logger {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

const noop = () => {};
/** Logs nothing (tests, libraries used without a logger). */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** Log levels, least severe first; `silent` logs nothing. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The keys every log line starts with, in this order, whatever process wrote it. */
export const LOG_LINE_KEYS = ["time", "level", "name", "pid", "msg"] as const;

export interface LoggerOptions {
  /** What the process is: `worker`, `coordinator`, `dashboard`, `trial` (a worker's trial process), ... */
  name: string;
  /** Lines below it are dropped. @defaultValue "info" */
  level?: LogLevel;
  /** Fields on every line, after the fixed keys (e.g. `{ workerId }`). */
  base?: Record<string, unknown>;
  /** Where each line goes, newline included. @defaultValue stderr, so stdout stays for tables and ids */
  out?: (line: string) => void;
}

/**
 * The one logger factory of every HyperQ process (CLI commands, workers and their trial processes,
 * coordinator, dashboard), so their lines share one shape: a JSON object per line,
 * `{"time":"2026-11-30T10:00:00.000Z","level":"info","name":"worker","pid":123,"msg":"…", …fields}`:
 * ISO time, the level as a word, then the base fields and the call's fields. The fixed keys cannot be
 * overwritten by fields; an `Error` among the fields is written as its message.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const min = LOG_LEVELS.indexOf(opts.level ?? "info");
  const out = opts.out ?? ((line: string) => void process.stderr.write(line));
  const base = opts.base ?? {};
  const emit = (level: Exclude<LogLevel, "silent">) => (fields: Record<string, unknown>, msg: string) => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    const fixed = { time: new Date().toISOString(), level, name: opts.name, pid: process.pid, msg };
    out(`${JSON.stringify({ ...fixed, ...base, ...fields, ...fixed }, (_k, v: unknown) => (v instanceof Error ? v.message : v))}\n`);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
