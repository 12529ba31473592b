import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { RedisSweepStore, connectRedis } from "@hyperq/store";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const CLI = resolve(ROOT, "apps/cli/src/main.ts");

/** An isolated HyperQ deployment in the shared Redis: its own key prefix, its own processes. */
export class Deployment {
  readonly prefix = `hqe2e-${randomUUID().slice(0, 8)}`;
  readonly redis = connectRedis(REDIS_URL);
  readonly store = new RedisSweepStore(this.redis, { keyPrefix: this.prefix });
  readonly procs: { name: string; proc: ChildProcess; output: string[] }[] = [];
  readonly dir = mkdtempSync(join(tmpdir(), "hyperq-e2e-"));

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...process.env, REDIS_URL, HYPERQ_PREFIX: this.prefix, HYPERQ_LOG_LEVEL: "info", ...extra };
  }

  /** Starts `hyperq <args>` as a long-running process. */
  start(name: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    const proc = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, env: this.env(env), stdio: ["ignore", "pipe", "pipe"] });
    const output: string[] = [];
    proc.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
    proc.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
    this.procs.push({ name, proc, output });
    return proc;
  }

  /** Runs `hyperq <args>` to completion. */
  run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((done) => {
      const p = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, env: this.env(env), stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      p.on("exit", (code) => done({ code, stdout, stderr }));
    });
  }

  writeSpec(name: string, yaml: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, yaml);
    return file;
  }

  /** HyperQ's own keys (sweeps, trials, events, blobs), leaving out BullMQ's and the worker registry. */
  async dataKeys(): Promise<string[]> {
    const keys = await this.redis.keys(`${this.prefix}:*`);
    return keys.filter((k) => !k.startsWith(`${this.prefix}:bull:`) && k !== `${this.prefix}:workers`).sort();
  }

  output(name: string): string {
    return this.procs.find((p) => p.name === name)?.output.join("") ?? "";
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.procs.map(
        ({ proc }) =>
          new Promise<void>((done) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return done();
            const t = setTimeout(() => proc.kill("SIGKILL"), 15_000);
            proc.once("exit", () => {
              clearTimeout(t);
              done();
            });
            proc.kill("SIGTERM");
          }),
      ),
    );
    const keys = await this.redis.keys(`${this.prefix}:*`);
    if (keys.length) await this.redis.del(...keys);
    await this.store.close();
    this.redis.disconnect();
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 250): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
