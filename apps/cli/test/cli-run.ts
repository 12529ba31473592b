/**
 * Runs the real `hyperq` CLI as a child process with its stdout and stderr on pipes, and collects
 * what it wrote. `slowReader` leaves both pipes unread until the process exits (or `holdMs`
 * passes, for a process that waits for its output to drain), as a slow consumer such as
 * `| ssh host 'cat > x'` would: a CLI that exits before its output is flushed loses everything
 * past the pipe's buffer.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import type { Redis } from "ioredis";
import { ROOT, SHARED_REDIS_URL } from "./fault-kit.ts";

const CLI = resolve(ROOT, "apps/cli/src/main.ts");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  env?: NodeJS.ProcessEnv;
  /** Do not read the pipes until the process exits or `holdMs` passes. @defaultValue false */
  slowReader?: boolean;
  /** @defaultValue 1500 */
  holdMs?: number;
}

export function runCli(args: readonly string[], opts: RunCliOptions = {}): Promise<CliResult> {
  // A variable given as undefined is left out (e.g. HYPERQ_TOKEN: undefined, whatever the caller's environment holds).
  const env = Object.fromEntries(Object.entries({ ...process.env, REDIS_URL: SHARED_REDIS_URL, HYPERQ_LOG_LEVEL: "warn", ...opts.env }).filter(([, v]) => v !== undefined));
  const p = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const exited = new Promise<number | null>((done) => p.once("exit", (code) => done(code)));
  const closed = new Promise<void>((done) => p.once("close", () => done()));
  const read = (): void => {
    p.stdout.on("data", (d: Buffer) => out.push(d));
    p.stderr.on("data", (d: Buffer) => err.push(d));
    p.stdout.resume();
    p.stderr.resume();
  };
  if (opts.slowReader) {
    p.stdout.pause();
    p.stderr.pause();
    const hold = new Promise<void>((done) => setTimeout(done, opts.holdMs ?? 1500));
    void Promise.race([exited, hold]).then(read);
  } else read();
  return Promise.all([exited, closed]).then(([code]) => ({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
}

/** Deletes every key under `prefix` (a test's own deployment). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
}
