/**
 * Tools for the fault-injection tests: a deployment on any Redis (the shared one, or a private
 * redis-server the test can kill and restart), processes that can be killed by pid, and the figures
 * every scenario prints (planned / completed / failed / lost / duplicated), counted from the store,
 * the leaderboard zsets and the event stream.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TrialRecord } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis, redisKeys, type SweepRecord } from "@hyperq/store";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const SHARED_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const CLI = resolve(ROOT, "apps/cli/src/main.ts");

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Worker settings under which a dead peer's trial is noticed within ~4 s (lock 3 s, stalled check
 * every 1 s) instead of BullMQ's 30 s, and a stopping worker waits 20 s for its trials.
 */
export const FAST_RECOVERY: NodeJS.ProcessEnv = { HYPERQ_LOCK_MS: "3000", HYPERQ_STALLED_INTERVAL_MS: "1000", HYPERQ_GRACE_S: "20" };

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").startsWith("Z");
  } catch {
    return false;
  }
}

/** The direct children of a process (Linux /proc). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Runs `fn` with the processes `pids` stopped (SIGSTOP) and resumes them (SIGCONT) whatever
 * happens: a worker's trial process, frozen, stays mid-trial while its worker keeps the job's
 * lock, so a scenario can act on a running trial however slowly a loaded machine runs it.
 */
export async function whileFrozen<T>(pids: readonly number[], fn: () => Promise<T>): Promise<T> {
  if (pids.length === 0) throw new Error("no process to freeze");
  for (const pid of pids) process.kill(pid, "SIGSTOP");
  try {
    return await fn();
  } finally {
    for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGCONT");
  }
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => done(port));
    });
  });
}

/** A redis-server of the test's own (AOF on, noeviction, as the compose file runs it), to kill and restart. */
export class PrivateRedis {
  readonly dir = mkdtempSync(join(tmpdir(), "hyperq-redis-"));
  proc: ChildProcess | undefined;
  constructor(
    readonly port: number,
    readonly bind: string = "127.0.0.1",
  ) {}

  get url(): string {
    return `redis://${this.bind}:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ["--port", String(this.port), "--bind", this.bind, "--dir", this.dir, "--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction", "--save", "", "--protected-mode", "no"];
    this.proc = spawn("redis-server", args, { stdio: "ignore" });
    const client = connectRedis(this.url, { lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: null });
    client.on("error", () => undefined);
    try {
      await waitFor("the private redis-server to answer", async () => (await Promise.race([client.ping(), sleep(500).then(() => "")])) === "PONG", 10_000, 100);
    } finally {
      client.disconnect();
    }
  }

  /** SIGTERM: Redis flushes the AOF and exits (a restart); SIGKILL: a crash. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((done) => {
      p.once("exit", () => done());
      p.kill(signal);
    });
  }

  async destroy(): Promise<void> {
    await this.stop("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface Proc {
  name: string;
  proc: ChildProcess;
  output: string[];
}

/** An isolated HyperQ deployment: its own key prefix, its own processes, on the Redis it is given. */
export class FaultDeployment {
  readonly prefix = `hqfault-${randomUUID().slice(0, 8)}`;
  readonly redis;
  readonly store;
  readonly keys = redisKeys(this.prefix);
  readonly procs: Proc[] = [];
  readonly dir = mkdtempSync(join(tmpdir(), "hyperq-faults-"));
  /** How `hyperq` is started: the checkout's sources by default; an installed copy (an image's entrypoint) when set. */
  launcher: { argv: string[]; cwd: string } = { argv: [process.execPath, "--import", "tsx", CLI], cwd: ROOT };

  constructor(
    readonly redisUrl: string = SHARED_REDIS_URL,
    readonly baseEnv: NodeJS.ProcessEnv = {},
  ) {
    this.redis = connectRedis(redisUrl);
    this.redis.on("error", () => undefined); // a private Redis may be restarted under our feet
    this.store = new RedisSweepStore(this.redis, { keyPrefix: this.prefix });
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...process.env, REDIS_URL: this.redisUrl, HYPERQ_PREFIX: this.prefix, HYPERQ_LOG_LEVEL: "info", ...this.baseEnv, ...extra };
  }

  /**
   * Starts `hyperq <args>` as a long-running process; `wrap` runs it under another command
   * (e.g. `ip netns exec <ns>`); `detached` gives it its own process group (for a Ctrl-C to the group).
   */
  start(name: string, args: string[], opts: { env?: NodeJS.ProcessEnv; wrap?: string[]; detached?: boolean } = {}): ChildProcess {
    const argv = [...this.launcher.argv, ...args];
    const [cmd, ...rest] = [...(opts.wrap ?? []), ...argv];
    const proc = spawn(cmd!, rest, { cwd: this.launcher.cwd, env: this.env(opts.env), stdio: ["ignore", "pipe", "pipe"], detached: opts.detached ?? false });
    const output: string[] = [];
    proc.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
    proc.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
    this.procs.push({ name, proc, output });
    return proc;
  }

  run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((done) => {
      const [cmd, ...rest] = [...this.launcher.argv, ...args];
      const p = spawn(cmd!, rest, { cwd: this.launcher.cwd, env: this.env(env), stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      p.on("exit", (code) => done({ code, stdout, stderr }));
    });
  }

  proc(name: string): ChildProcess {
    const p = this.procs.find((x) => x.name === name);
    if (!p) throw new Error(`no process named ${name}`);
    return p.proc;
  }

  /** The process whose pid a worker id (`host-pid-random`) names. */
  workerName(workerId: string): string {
    const pid = Number(workerId.split("-").at(-2));
    const p = this.procs.find((x) => x.proc.pid === pid);
    if (!p) throw new Error(`no process of this test runs worker ${workerId}`);
    return p.name;
  }

  output(name: string): string {
    return this.procs.find((p) => p.name === name)?.output.join("") ?? "";
  }

  /** JSON log lines of a process (its own and its trial processes', in one shape). */
  logs(name: string): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const line of this.output(name).split("\n")) {
      if (!line.startsWith("{")) continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line cut by a kill
      }
    }
    return out;
  }

  /** The last output of every process, for a failure message. */
  dump(chars = 1500): string {
    return this.procs.map((p) => `--- ${p.name} (exit ${p.proc.exitCode ?? p.proc.signalCode ?? "running"}) ---\n${p.output.join("").slice(-chars)}`).join("\n");
  }

  writeSpec(name: string, yaml: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, yaml);
    return file;
  }

  async launch(yaml: string): Promise<string> {
    const r = await this.run(["sweep", "launch", this.writeSpec(`spec-${randomUUID().slice(0, 6)}.yaml`, yaml), "--detach"]);
    if (r.code !== 0) throw new Error(`launch failed (${r.code}): ${r.stderr}`);
    return r.stdout.trim().split("\n")[0]!;
  }

  async sweep(id: string): Promise<SweepRecord> {
    const s = await this.store.getSweep(id);
    if (!s) throw new Error(`no sweep ${id}`);
    return s;
  }

  /** `waitFor`, with every process's last output in the error. */
  wait<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 200): Promise<T> {
    return waitFor(what, fn, timeoutMs, everyMs).catch((e: Error) => {
      throw new Error(`${e.message}\n${this.dump()}`);
    });
  }

  /** How many of a process's log lines carry the message `msg` so far. */
  logCount(name: string, msg: string): number {
    return this.logs(name).filter((l) => l.msg === msg).length;
  }

  /** Waits until the process has logged `msg` more than `before` times (e.g. `logCount` taken before a fault). */
  async logged(name: string, msg: string, before: number, timeoutMs = 60_000): Promise<void> {
    await this.wait(`${name} to log "${msg}"`, () => this.logCount(name, msg) > before, timeoutMs, 50);
  }

  /**
   * Waits for `passes` passes of a coordinator over an active (running or paused) sweep. Each pass
   * renews the sweep's lease first, so its TTL jumping back up marks one; the loop is sequential,
   * so two renewals prove that a whole pass began and ended after the call.
   */
  async coordinatorPasses(sweepId: string, passes = 2, timeoutMs = 60_000): Promise<void> {
    let last = await this.redis.pttl(this.keys.lease(sweepId));
    let seen = 0;
    await this.wait(
      `${passes} coordinator passes over sweep ${sweepId}`,
      async () => {
        const ttl = await this.redis.pttl(this.keys.lease(sweepId));
        if (ttl > last) seen++;
        last = ttl;
        return seen >= passes;
      },
      timeoutMs,
      20,
    );
  }

  /** Waits until some trial of the sweep is running and has reported `minEpochs` epochs. */
  async runningTrial(id: string, pred: (t: TrialRecord) => boolean = () => true, minEpochs = 1, timeoutMs = 60_000): Promise<TrialRecord> {
    return this.wait(
      `a running trial of ${id} with ${minEpochs} epochs`,
      async () => (await this.store.listTrials(id)).find((t) => t.state === "running" && t.epochsReported >= minEpochs && pred(t)),
      timeoutMs,
      100,
    );
  }

  async until(id: string, states: readonly string[], timeoutMs: number): Promise<SweepRecord> {
    return waitFor(
      `sweep ${id} to reach ${states.join("|")}`,
      async () => {
        const s = await this.store.getSweep(id);
        return s && states.includes(s.state) ? s : undefined;
      },
      timeoutMs,
      250,
    ).catch(async (e: Error) => {
      const s = await this.store.getSweep(id).catch(() => undefined);
      throw new Error(`${e.message}; counts ${JSON.stringify(s?.counts)}\n${this.dump()}`);
    });
  }

  async kill(name: string, signal: NodeJS.Signals): Promise<void> {
    const p = this.proc(name);
    if (p.exitCode !== null || p.signalCode !== null) return;
    p.kill(signal);
  }

  /** Resolves with how long the process took to exit. */
  exited(name: string, timeoutMs: number): Promise<number> {
    const p = this.proc(name);
    const t0 = Date.now();
    if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve(0);
    return new Promise((done, fail) => {
      const t = setTimeout(() => fail(new Error(`${name} did not exit within ${timeoutMs} ms\n${this.dump()}`)), timeoutMs);
      p.once("exit", () => {
        clearTimeout(t);
        done(Date.now() - t0);
      });
    });
  }

  async stop(): Promise<void> {
    const logDir = process.env.HYPERQ_FAULT_LOGS;
    await Promise.all(
      this.procs.map(
        ({ proc }) =>
          new Promise<void>((done) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return done();
            const kids = proc.pid ? childPids(proc.pid) : [];
            const t = setTimeout(() => proc.kill("SIGKILL"), 10_000);
            proc.once("exit", () => {
              clearTimeout(t);
              for (const k of kids) if (alive(k)) process.kill(k, "SIGKILL");
              done();
            });
            proc.kill("SIGTERM");
          }),
      ),
    );
    if (logDir) for (const p of this.procs) writeFileSync(join(logDir, `${this.prefix}-${p.name}.log`), p.output.join(""));
    try {
      const keys = await Promise.race([this.redis.keys(`${this.prefix}:*`), sleep(3000).then(() => [] as string[])]);
      if (keys.length) await this.redis.del(...keys);
    } catch {
      // a private Redis already gone
    }
    await this.store.close();
    this.redis.disconnect();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The figures every scenario prints. */
export interface Figures {
  planned: number;
  created: number;
  completed: number;
  failed: number;
  pruned: number;
  /** Planned trials never created, plus created ones not finished when the sweep ended. */
  lost: number;
  /** Extra results: leaderboard entries or finish events beyond one per trial, or completed beyond the budget. */
  duplicated: number;
  /** What made `lost` or `duplicated` non-zero. */
  problems: string[];
}

/** Counts, from the store, the leaderboard zsets and the event stream, what a scenario ended with. */
export async function figures(d: FaultDeployment, sweepId: string): Promise<Figures> {
  const sweep = await d.sweep(sweepId);
  const trials = await d.store.listTrials(sweepId);
  const problems: string[] = [];
  const count = (s: string) => trials.filter((t) => t.state === s).length;
  const completed = count("complete");
  const failed = count("failed");
  const pruned = count("pruned");
  let lost = 0;
  const numbers = new Set(trials.map((t) => t.number));
  for (let n = 0; n < sweep.budget; n++) {
    if (!numbers.has(n) && sweep.state === "complete") {
      lost++;
      problems.push(`trial ${n} was planned but never created`);
    }
  }
  for (const t of trials) {
    if (t.state === "waiting" || t.state === "running") {
      lost++;
      problems.push(`trial ${t.number} is still ${t.state}`);
    }
  }
  let duplicated = 0;
  const lb = await d.redis.zrange(d.keys.leaderboard(sweepId), 0, -1);
  const lbPruned = await d.redis.zrange(d.keys.prunedBoard(sweepId), 0, -1);
  if (lb.length !== completed) {
    duplicated += Math.abs(lb.length - completed);
    problems.push(`leaderboard has ${lb.length} entries for ${completed} complete trials`);
  }
  for (const m of lb) {
    const t = trials.find((x) => x.number === Number(m));
    if (!t || t.state !== "complete") {
      duplicated++;
      problems.push(`leaderboard entry ${m} is not a complete trial`);
    }
  }
  if (lbPruned.length !== pruned) problems.push(`pruned leaderboard has ${lbPruned.length} entries for ${pruned} pruned trials`);
  if (completed > sweep.budget || trials.length > sweep.budget) {
    duplicated += Math.max(completed, trials.length) - sweep.budget;
    problems.push(`${trials.length} trials (${completed} complete) for a budget of ${sweep.budget}`);
  }
  // Exactly one "finished" event per trial: a second one would be a second accepted result.
  const finished = new Map<number, number>();
  const created = new Map<number, number>();
  for (const e of await d.store.readEvents("0", { count: 1_000_000 })) {
    if (e.sweepId !== sweepId) continue;
    if (e.type === "trial.finished") finished.set(e.trial, (finished.get(e.trial) ?? 0) + 1);
    if (e.type === "trial.created") created.set(e.trial, (created.get(e.trial) ?? 0) + 1);
  }
  for (const [n, c] of finished) {
    if (c > 1) {
      duplicated += c - 1;
      problems.push(`trial ${n} finished ${c} times`);
    }
  }
  for (const [n, c] of created) if (c > 1) problems.push(`trial ${n} created ${c} times`);
  // The sweep's counters agree with its trials.
  for (const s of ["waiting", "running", "complete", "failed", "pruned"] as const) {
    if (sweep.counts[s] !== count(s)) problems.push(`sweep counter ${s}=${sweep.counts[s]} but ${count(s)} trials are ${s}`);
  }
  return { planned: sweep.budget, created: trials.length, completed, failed, pruned, lost, duplicated, problems };
}

export function printFigures(scenario: string, f: Figures, extra = ""): void {
  const line = `[faults] ${scenario}: planned ${f.planned}, created ${f.created}, completed ${f.completed}, failed ${f.failed}, pruned ${f.pruned}, lost ${f.lost}, duplicated ${f.duplicated}${extra ? `; ${extra}` : ""}`;
  process.stdout.write(`${line}\n${f.problems.length ? `[faults]   problems: ${f.problems.join("; ")}\n` : ""}`);
}

/** Whether this process may create network namespaces (root with CAP_NET_ADMIN and the `ip` tool). */
export function canUseNetns(): { ok: boolean; why: string } {
  if (process.platform !== "linux") return { ok: false, why: "not Linux" };
  if (!existsSync("/usr/sbin/ip") && !existsSync("/sbin/ip") && !existsSync("/usr/bin/ip") && !existsSync("/bin/ip")) return { ok: false, why: "the `ip` tool (iproute2) is not installed" };
  const name = `hqprobe${process.pid}`;
  const r = spawnSync("ip", ["netns", "add", name], { encoding: "utf8" });
  if (r.status !== 0) return { ok: false, why: `\`ip netns add\` is not permitted here: ${(r.stderr || r.error?.message || "").trim()}` };
  spawnSync("ip", ["netns", "del", name]);
  return { ok: true, why: "" };
}

export function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
}
