/**
 * The ways HyperQ is deployed and scaled: docker/compose.yaml (parsed and checked against the real
 * CLI and config schema, since Docker may not be here) and scripts/scale-workers.sh (run for real).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configSchema } from "../src/config.ts";
import { FaultDeployment, ROOT, alive, childPids, figures } from "./fault-kit.ts";

const requireFromProtocol = createRequire(resolve(ROOT, "packages/protocol/package.json"));
const { parse } = requireFromProtocol("yaml") as { parse(text: string, opts: { merge: boolean }): unknown };

interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string | null>;
  profiles?: string[];
  ports?: string[];
  container_name?: string;
  init?: boolean;
  stop_grace_period?: string;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
  volumes?: string[];
  deploy?: { resources?: { reservations?: { devices?: { driver?: string; count?: number | string; device_ids?: string[]; capabilities?: string[] }[] } } };
}

/** Compose's interpolation with an empty host environment: `${X:-d}` → d, `${X}` → "", `$$` → `$`. */
function interpolate(s: string, env: Record<string, string> = {}): string {
  return s.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (m, name: string | undefined, def: string | undefined) => {
    if (m === "$$") return "$";
    return env[name!] || (def ?? "");
  });
}

const seconds = (d: string | undefined): number => {
  const m = /^(\d+)(ms|s|m)?$/.exec(d ?? "");
  if (!m) return 10; // Docker's default
  const n = Number(m[1]);
  return m[2] === "m" ? n * 60 : m[2] === "ms" ? n / 1000 : n;
};

function hyperqHelp(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", resolve(ROOT, "apps/cli/src/main.ts"), ...args, "--help"], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("docker/compose.yaml", () => {
  const compose = parse(readFileSync(resolve(ROOT, "docker/compose.yaml"), "utf8"), { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
  const services = compose.services;
  const hyperq = Object.entries(services).filter(([, s]) => s.image?.startsWith("hyperq"));

  it("runs Redis as the system of record: AOF on, noeviction, a persistent volume, a health check", () => {
    const redis = services.redis!;
    const cmd = interpolate([redis.command ?? []].flat().join(" "));
    expect(cmd).toMatch(/redis-server/);
    expect(cmd).toMatch(/--appendonly yes/);
    expect(cmd).toMatch(/--maxmemory-policy noeviction/);
    expect(redis.volumes?.some((v) => v.endsWith(":/data"))).toBe(true);
    expect(Object.keys(compose.volumes ?? {})).toContain(redis.volumes![0]!.split(":")[0]);
    expect(redis.healthcheck?.test?.join(" ")).toMatch(/ping/);
    // Pinned by exact tag, like the images' bases.
    expect(redis.image).toMatch(/^redis:\d+\.\d+\.\d+-/);
    // A password, when given, is required (and the health check uses it).
    const withPassword = interpolate([redis.command ?? []].flat().join(" "));
    expect(withPassword).toContain("${REDIS_PASSWORD:+--requirepass");
  });

  it("gives every HyperQ service a real `hyperq` command, a valid environment and a healthy Redis to wait for", () => {
    expect(hyperq.map(([n]) => n).sort()).toEqual(["cli", "coordinator", "dashboard", "worker", "worker-gpu", "worker-gpu-1"]);
    const known = Object.keys(configSchema.shape);
    for (const [name, s] of hyperq) {
      expect(s.depends_on?.redis?.condition, name).toBe("service_healthy");
      expect(existsSync(resolve(ROOT, "docker", s.build?.context ?? ".", s.build?.dockerfile ?? "")), `${name}: ${s.build?.dockerfile}`).toBe(true);
      // The environment, as compose resolves it with nothing set on the host, is one the CLI accepts.
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(s.environment ?? {})) {
        expect(known, `${name}: ${k} is not a HyperQ setting`).toContain(k);
        if (v !== null) env[k] = interpolate(String(v));
      }
      const parsed = configSchema.safeParse(env);
      expect(parsed.success, `${name}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      if (name === "cli") continue; // `docker compose run cli <args>`
      const argv = [s.command ?? []].flat().map((a) => interpolate(a));
      const words = argv.filter((a, i) => !a.startsWith("-") && !(argv[i - 1] ?? "").startsWith("-"));
      const help = hyperqHelp(words);
      expect(help.code, `${name}: hyperq ${words.join(" ")} --help\n${help.out}`).toBe(0);
      expect(help.out, name).toMatch(new RegExp(`Usage: hyperq ${words.join(" ")}`));
      for (const flag of argv.filter((a) => a.startsWith("--"))) expect(help.out, `${name}: ${flag}`).toContain(flag);
    }
  });

  it("scales workers: no fixed name or port, an init, a grace period Docker waits for, a GPU each for the GPU variant", () => {
    const gpuServices = Object.keys(services).filter((n) => n.startsWith("worker-gpu"));
    for (const name of ["worker", ...gpuServices]) {
      const s = services[name]!;
      expect(s.container_name, name).toBeUndefined();
      expect(s.ports, name).toBeUndefined();
      expect(s.init, name).toBe(true);
      const grace = Number(interpolate(String(s.environment?.HYPERQ_GRACE_S ?? "30")));
      expect(seconds(s.stop_grace_period), name).toBeGreaterThan(grace);
    }
    // Each GPU worker is pinned to a GPU of its own (a `count` reservation would give all the first one).
    const pinned: string[] = [];
    for (const name of gpuServices) {
      const gpu = services[name]!;
      expect(gpu.profiles?.length, name).toBe(1);
      expect([gpu.command].flat().join(" "), name).toMatch(/--backend tensorflow-gpu/);
      const devices = gpu.deploy?.resources?.reservations?.devices ?? [];
      expect(devices, name).toHaveLength(1);
      expect(devices[0], name).toMatchObject({ driver: "nvidia" });
      expect(devices[0]?.count, name).toBeUndefined();
      expect(devices[0]?.device_ids, name).toHaveLength(1);
      pinned.push(devices[0]!.device_ids![0]!);
      expect(devices[0]?.capabilities).toContain("gpu");
      expect(gpu.build?.dockerfile).toBe("docker/worker-gpu.Dockerfile");
    }
    expect(gpuServices.length).toBeGreaterThanOrEqual(2);
    expect(new Set(pinned).size, pinned.join(", ")).toBe(gpuServices.length);
    expect(new Set(gpuServices.map((n) => services[n]!.profiles![0])).size).toBe(gpuServices.length);
    // The dashboard is published on loopback only; its control token is passed through only when set.
    expect(services.dashboard?.ports).toEqual(["127.0.0.1:8080:8080"]);
    expect(services.dashboard?.environment?.HYPERQ_TOKEN).toBeNull();
  });

  it("builds images that run the CLI through its bin script (tsx from @hyperq/cli) and default to the compose network's Redis", () => {
    for (const file of ["docker/Dockerfile", "docker/worker-gpu.Dockerfile"]) {
      const text = readFileSync(resolve(ROOT, file), "utf8");
      expect(text, file).toMatch(/ENTRYPOINT \["node", "apps\/cli\/bin\/hyperq.mjs"\]/);
      expect(text, file).toMatch(/pnpm install --frozen-lockfile --prod/);
      expect(text, file).toMatch(/REDIS_URL=redis:\/\/redis:6379/);
      expect(text, file).toMatch(/^USER /m);
      expect(text, file).toMatch(/^HEALTHCHECK .*CMD \["node", "apps\/cli\/bin\/healthcheck.mjs"\]$/m);
    }
    // The long-running services serve the health endpoints the HEALTHCHECK probes.
    for (const name of ["coordinator", "worker", "worker-gpu"]) expect(services[name]?.environment?.HYPERQ_HEALTH_PORT, name).toMatch(/^\d+$/);
    // Node.js 22 LTS, pinned by exact tag or version.
    expect(readFileSync(resolve(ROOT, "docker/Dockerfile"), "utf8")).toMatch(/^ARG NODE_IMAGE=node:22\.\d+\.\d+-bookworm-slim$/m);
    expect(readFileSync(resolve(ROOT, "docker/worker-gpu.Dockerfile"), "utf8")).toMatch(/^ARG NODE_VERSION=22\.\d+\.\d+$/m);
    // The GPU image lets trial processes share a GPU, and ships its self-check.
    const gpu = readFileSync(resolve(ROOT, "docker/worker-gpu.Dockerfile"), "utf8");
    expect(gpu).toMatch(/TF_FORCE_GPU_ALLOW_GROWTH=true/);
    expect(gpu).toMatch(/^COPY scripts scripts$/m);
    expect(existsSync(resolve(ROOT, "scripts/gpu-check.sh"))).toBe(true);
  });
});

describe("scripts/scale-workers.sh", () => {
  const d = new FaultDeployment(undefined, { HYPERQ_GRACE_S: "60" });
  afterAll(() => d.stop());

  it("starts N workers; one Ctrl-C lets their running trials finish, then they stop and leave the registry", async () => {
    const script = spawn("bash", [resolve(ROOT, "scripts/scale-workers.sh"), "2"], { cwd: ROOT, env: d.env(), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    script.stdout.on("data", (b: Buffer) => (out += b.toString()));
    script.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((done) => script.once("exit", (code) => done(code)));
    try {
      await d.wait("2 workers to announce themselves", async () => (await d.store.listWorkers()).length === 2, 60_000);
      const workers = await d.store.listWorkers();
      const id = await d.launch(`
name: scale
seed: 5
dataset: { name: sp500, features: [close, volume], target: close, targetTransform: log-return }
method: random
budget: 4
parallelism: 2
epochs: 25
training: { seq_len: 8, batch_size: 128, num_layers: 1, hidden_size: 4 }
space:
  learning_rate: { type: float, low: 0.001, high: 0.01, log: true }
`);
      d.start("coordinator", ["coordinator"]);
      await d.wait("both workers to be training", async () => (await d.store.listTrials(id)).filter((t) => t.state === "running" && t.epochsReported >= 1).length === 2, 90_000);
      const running = (await d.store.listTrials(id)).filter((t) => t.state === "running").map((t) => t.number);
      script.kill("SIGINT"); // a Ctrl-C reaches the script alone (its workers have their own process groups)
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("timeout"), 90_000))]);
      expect(code, out).toBe(0);
      expect(out).toMatch(/all workers stopped/);
      for (const w of workers) expect(alive(w.pid) || childPids(w.pid).length > 0).toBe(false);
      const trials = await d.store.listTrials(id);
      for (const n of running) expect(trials[n]?.state, `trial ${n}`).toBe("complete");
      expect(trials.filter((t) => t.state === "running")).toEqual([]);
      expect(await d.store.listWorkers()).toEqual([]);
      const f = await figures(d, id);
      process.stdout.write(`[faults] scale-workers.sh 2, then Ctrl-C mid-sweep: trials ${running.join(", ")} finished within the grace period; completed ${f.completed}, running 0, waiting ${trials.filter((t) => t.state === "waiting").length} (for the next workers), duplicated ${f.duplicated}\n`);
      expect(f.duplicated).toBe(0);
    } finally {
      if (script.exitCode === null) script.kill("SIGKILL");
    }
  });
});
