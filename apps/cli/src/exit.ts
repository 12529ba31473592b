/**
 * Ending the `hyperq` process without losing output. On a pipe, Node writes stdout and stderr
 * asynchronously: `process.exit` right after a large write cuts it (at 64 KiB, the pipe's buffer)
 * and still exits 0. Every exit goes through `exit(code)`, which waits until both streams have
 * handed everything to the OS; a stream that cannot be written (EPIPE: the reader went away) makes
 * the exit non-zero instead of a crash with a stack trace.
 *
 * ```ts
 * guardOutput();            // once, first thing
 * process.stdout.write(bigText);
 * await exit(0);            // returns only if the process was already exiting
 * ```
 */

/** Exit status of a command whose output could not be written completely. */
export const OUTPUT_FAILED = 1;

let exiting: Promise<never> | undefined;

/** Resolves once everything written to `stream` so far is flushed; rejects on a write error. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed) return Promise.reject(stream.errored ?? new Error("stream closed"));
  // Writes complete in order, so the callback of an empty write runs after every earlier one.
  return new Promise((resolve, reject) => {
    stream.write("", (err) => (err ? reject(err) : resolve()));
  });
}

function brokenOutput(e: unknown): string {
  const why = (e as NodeJS.ErrnoException | undefined)?.code ?? (e as Error | undefined)?.message ?? String(e);
  return `hyperq: cannot write the output (${why}): it is incomplete`;
}

/**
 * Exits with `code` once stdout and stderr are drained (`message`, if given, is written to stderr
 * first). When either cannot be written, exits with OUTPUT_FAILED instead of 0. Only the first call
 * decides the exit; later calls wait with it.
 */
export function exit(code: number, message?: string): Promise<never> {
  exiting ??= (async (): Promise<never> => {
    if (message !== undefined && !process.stderr.destroyed) process.stderr.write(`${message}\n`);
    const [out, err] = await Promise.allSettled([flushed(process.stdout), flushed(process.stderr)]);
    if (out.status === "rejected" && err.status === "fulfilled" && message === undefined) {
      process.stderr.write(`${brokenOutput(out.reason)}\n`);
      await flushed(process.stderr).catch(() => undefined);
    }
    const failed = out.status === "rejected" || err.status === "rejected";
    process.exit(failed && code === 0 ? OUTPUT_FAILED : code);
  })();
  return exiting;
}

/**
 * Turns a write error on stdout or stderr (EPIPE when the reader closes the pipe early, as
 * `hyperq leaderboard x | head -1` does) into a non-zero exit, with one line on stderr when stderr
 * still works, instead of an uncaught 'error' event.
 */
export function guardOutput(): void {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    void exit(OUTPUT_FAILED, brokenOutput(e));
  });
  process.stderr.on("error", () => {
    process.exit(OUTPUT_FAILED);
  });
}
