/**
 * The installable CLI: `scripts/pack-cli.ts` packs one tarball, `npm install -g --prefix <tmp>`
 * installs it outside this checkout (third-party dependencies from the registry, or npm's cache),
 * and the installed `hyperq` runs from a folder that has nothing of the checkout around it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packCli } from "../../../scripts/pack-cli.ts";
import { FaultDeployment, ROOT } from "./fault-kit.ts";

const ONE_TRIAL = `
name: installed
seed: 9
dataset: { name: seattle-weather, features: [temp_max, wind], target: temp_max }
model: single
method: random
budget: 1
parallelism: 1
epochs: 1
training: { seq_len: 8, batch_size: 128, num_layers: 1 }
space:
  hidden_size: [4]
`;

describe("npm pack + npm install -g", () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperq-install-"));
  const d = new FaultDeployment();
  afterAll(async () => {
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives a working `hyperq`: --help, a spec validated against the bundled data, a trial trained", async () => {
    const tarball = packCli(join(dir, "pack"));
    expect(existsSync(tarball)).toBe(true);
    const prefix = join(dir, "prefix");
    const install = spawnSync("npm", ["install", "-g", "--prefix", prefix, tarball, "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, encoding: "utf8" });
    expect(install.status, `${install.stdout}\n${install.stderr}`).toBe(0);

    const hyperq = join(prefix, "bin", "hyperq");
    // A clean environment and a folder outside the checkout: nothing resolves from the workspace.
    const env = { PATH: process.env.PATH, HOME: dir };
    const help = spawnSync(hyperq, ["--help"], { cwd: dir, env, encoding: "utf8" });
    expect(help.stderr).toBe("");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: hyperq");

    const validate = spawnSync(hyperq, ["sweep", "validate", resolve(ROOT, "examples/demo.yaml")], { cwd: dir, env, encoding: "utf8" });
    expect(validate.stderr).toBe("");
    expect(validate.status).toBe(0);
    expect(validate.stdout).toMatch(/^ok: random search, \d+ trials, dataset sp500$/m);

    // A bad spec is refused by the installed CLI as by the checkout's: one line per problem, exit 2.
    const bad = spawnSync(hyperq, ["sweep", "validate", resolve(ROOT, "examples/bad-spec.yaml")], { cwd: dir, env, encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^hyperq: /);

    // The installed command runs a cluster too: its worker's trial processes load the same way.
    d.launcher = { argv: [hyperq], cwd: dir };
    d.start("coordinator", ["coordinator"]);
    d.start("worker", ["worker"]);
    const id = await d.launch(ONE_TRIAL);
    const sweep = await d.until(id, ["complete", "failed"], 180_000);
    expect(sweep.counts, d.dump()).toMatchObject({ complete: 1, failed: 0 });
  }, 400_000);
});
