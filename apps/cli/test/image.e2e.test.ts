/**
 * The Docker images without Docker: docker/Dockerfile's build is replayed into a temporary folder
 * standing for /app (its COPY steps from the build context, honouring .dockerignore, and its
 * production-only `pnpm install`), then its ENTRYPOINT runs there: `hyperq --help`, and a
 * coordinator and a worker that train one real trial against the real Redis. Nothing resolves from
 * the checkout: whatever the image would lack, this folder lacks too.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultDeployment, ROOT, freePort } from "./fault-kit.ts";
import { copyFromContext, execForm, readDockerfile } from "./dockerfile.ts";

const ONE_TRIAL = `
name: image-one
seed: 5
dataset: { name: sp500, features: [close], target: close, targetTransform: log-return }
model: single
method: random
budget: 1
parallelism: 1
epochs: 1
training: { seq_len: 8, batch_size: 128, num_layers: 1 }
space:
  hidden_size: [4]
`;

const pnpmVersion = (JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as { packageManager: string }).packageManager.replace(/^pnpm@/, "");

/** The image's `RUN pnpm install ...` run here, from the local pnpm store when it has every package. */
function runPnpmInstall(command: string, cwd: string): void {
  const args = command.replace(/^pnpm\s+/, "").split(/\s+/);
  const r = spawnSync("npx", ["--yes", `pnpm@${pnpmVersion}`, ...args, "--prefer-offline", "--config.confirmModulesPurge=false"], { cwd, encoding: "utf8", env: { ...process.env, CI: "1" } });
  if (r.status !== 0) throw new Error(`pnpm ${args.join(" ")} failed (${r.status}): ${r.stderr.slice(-2000)}${r.stdout.slice(-2000)}`);
}

describe("docker/Dockerfile, replayed without Docker", () => {
  const stages = readDockerfile(resolve(ROOT, "docker/Dockerfile"));
  const app = mkdtempSync(join(tmpdir(), "hyperq-image-"));
  const final = stages.at(-1)!;
  const entrypoint = execForm(final, "ENTRYPOINT")!;
  const d = new FaultDeployment();

  beforeAll(() => {
    for (const stage of stages) {
      copyFromContext(stage, ROOT, app);
      for (const i of stage.instructions) if (i.op === "RUN" && /^pnpm install\b/.test(i.args)) runPnpmInstall(i.args, app);
    }
    expect(entrypoint[0]).toBe("node");
    d.launcher = { argv: [process.execPath, ...entrypoint.slice(1)], cwd: app };
  }, 180_000);
  afterAll(async () => {
    await d.stop();
    rmSync(app, { recursive: true, force: true });
  });

  it("installs production dependencies only: no dev tool, no checkout to fall back on", () => {
    expect(existsSync(join(app, "apps/cli/src/main.ts"))).toBe(true);
    expect(existsSync(join(app, "node_modules/vitest"))).toBe(false);
    expect(existsSync(join(app, "node_modules/typescript"))).toBe(false);
    expect(existsSync(join(app, "apps/cli/node_modules/@types"))).toBe(false);
  });

  it.runIf(spawnSync(process.env["CXX"] || "c++", ["--version"]).status === 0)("builds the native LSTM kernels in the install stage, and the image keeps them", () => {
    expect(existsSync(join(app, "packages/models/native/build/hyperq_lstm.node"))).toBe(true);
  });

  it("runs `hyperq --help` through the entrypoint", () => {
    const r = spawnSync(process.execPath, [...entrypoint.slice(1), ...(execForm(final, "CMD") ?? ["--help"])], { cwd: app, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: hyperq");
    for (const cmd of ["sweep", "worker", "coordinator", "dashboard"]) expect(r.stdout).toContain(cmd);
  });

  it("trains one trial with a coordinator and a worker started by the entrypoint; the HEALTHCHECK passes", async () => {
    const healthPort = String(await freePort());
    d.start("coordinator", ["coordinator"]);
    d.start("worker", ["worker", "--concurrency", "1"], { env: { HYPERQ_HEALTH_PORT: healthPort } });
    const id = await d.launch(ONE_TRIAL);
    const sweep = await d.until(id, ["complete", "failed"], 180_000);
    expect(sweep.counts, d.dump()).toMatchObject({ complete: 1, failed: 0 });
    const [trial] = await d.store.listTrials(id);
    expect(Number.isFinite(trial?.metrics?.valLoss), d.dump()).toBe(true);
    // The trial ran in a forked trial process (TypeScript loaded through the same loader).
    const trialLogs = d.logs("worker").filter((l) => l.name === "trial");
    expect(trialLogs.some((l) => l.msg === "trial complete"), d.dump()).toBe(true);

    // The image's HEALTHCHECK, run as Docker runs it (in the container, with its environment).
    const healthcheck = execForm(final, "HEALTHCHECK")!;
    expect(healthcheck[0]).toBe("node");
    const check = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, healthcheck.slice(1), { cwd: app, env: { PATH: process.env.PATH, ...env }, encoding: "utf8" }).status;
    expect(check({ HYPERQ_HEALTH_PORT: healthPort }), d.dump()).toBe(0);
    expect(check({})).toBe(0); // the dashboard and one-off CLI runs have nothing to probe
    expect(check({ HYPERQ_HEALTH_PORT: String(await freePort()) })).toBe(1);
    // The compose file's dashboard check names its URL.
    expect(spawnSync(process.execPath, [...healthcheck.slice(1), `http://127.0.0.1:${healthPort}/healthz`], { cwd: app, encoding: "utf8" }).status).toBe(0);
  });
});
