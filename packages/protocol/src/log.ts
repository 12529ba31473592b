/** The structured logger every process takes (pino's shape: fields first, then the message). */
export interface Logger {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

const noop = () => {};
/** Logs nothing (tests, libraries used without a logger). */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
