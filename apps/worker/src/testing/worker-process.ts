/**
 * A real `hyperq worker` process for the worker's integration tests: started with its own key
 * prefix, its stderr kept line by line (its own log lines and its trial processes').
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../../../..");
const CLI = resolve(ROOT, "apps/cli/src/main.ts");

export interface WorkerProcess {
  proc: ChildProcess;
  /** Every line written to stderr so far (a last unfinished line excluded). */
  stderrLines(): string[];
  /** The stderr lines that are JSON objects, parsed. */
  logs(): Record<string, unknown>[];
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>;
}

export function startWorkerProcess(env: NodeJS.ProcessEnv, args: string[] = []): WorkerProcess {
  const proc = spawn(process.execPath, ["--import", "tsx", CLI, "worker", ...args], {
    cwd: ROOT,
    env: { ...process.env, HYPERQ_LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  proc.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((done) => proc.once("exit", () => done()));
  const stderrLines = () => stderr.split("\n").slice(0, -1);
  return {
    proc,
    stderrLines,
    logs: () =>
      stderrLines()
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
}

/** Polls `fn` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
