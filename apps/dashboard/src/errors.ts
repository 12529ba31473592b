/**
 * Why the dashboard cannot start, said so a user can act on it (the CLI prints the message as it
 * is): the port is taken, the address does not exist here, or binding beyond localhost without a
 * token was not confirmed.
 */
export class DashboardStartError extends Error {
  override readonly name = "DashboardStartError";
  constructor(
    message: string,
    /** The system error code of a failed listen (EADDRINUSE, ENOTFOUND, ...), when there was one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** A failed `listen(port, host)` in words. */
export function describeListenError(e: NodeJS.ErrnoException, host: string, port: number): DashboardStartError {
  const where = `${host}:${port}`;
  switch (e.code) {
    case "EADDRINUSE":
      return new DashboardStartError(`port ${port} on ${host} is in use; pick another with --port`, e.code);
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return new DashboardStartError(`cannot listen on ${where}: "${host}" is not a valid address or known host name (--host)`, e.code);
    case "EADDRNOTAVAIL":
      return new DashboardStartError(`cannot listen on ${where}: this machine has no address ${host} (--host)`, e.code);
    case "EACCES":
      return new DashboardStartError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges; pick another with --port)`, e.code);
    default:
      return new DashboardStartError(`cannot listen on ${where}: ${e.message}`, e.code);
  }
}
