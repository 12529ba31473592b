/**
 * The logger the dashboard takes: pino's shape (fields first, then the message). Any pino logger
 * or the protocol's `Logger` fits.
 */
export interface DashboardLogger {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

const noop = (): void => {};
/** Logs nothing: the default. */
export const noopLogger: DashboardLogger = { info: noop, warn: noop, error: noop };
