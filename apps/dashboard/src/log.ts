/**
 * The logger the dashboard takes: fields first, then the message. The protocol's `Logger` (from
 * `createLogger`, the one shape every process logs in) fits.
 */
export interface DashboardLogger {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

const noop = (): void => {};
/** Logs nothing: the default. */
export const noopLogger: DashboardLogger = { info: noop, warn: noop, error: noop };
