/**
 * The launcher and a hostile dataset path: `/proc/self/environ` (the process's secrets), a symlink
 * to a device, a path that leaves the spec's folder. Real `hyperq` processes; no Redis is needed,
 * since every check runs before the CLI connects.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./fault-kit.ts";

const CLI = join(ROOT, "apps/cli/src/main.ts");
const SECRET = "hq-e2e-secret-4b1d";
const dir = mkdtempSync(join(tmpdir(), "hyperq-guard-e2e-"));
const specs = join(dir, "specs");
mkdirSync(specs);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hyperq(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; stderr: string }> {
  return new Promise((done) => {
    // The secret sits in the child's environment, where /proc/self/environ would show it.
    const env = { ...process.env, REDIS_URL: "redis://127.0.0.1:1", HYPERQ_TEST_TOKEN: SECRET, ...extraEnv };
    const p = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("exit", (code) => done({ code, out: stdout + stderr, stderr }));
  });
}

function spec(name: string, datasetPath: string): string {
  const file = join(specs, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nmethod: random\nbudget: 2\nepochs: 1\ndataset: { path: ${JSON.stringify(datasetPath)}, target: v }\nspace: { hidden_size: [8, 16], seq_len: 3 }\n`);
  return file;
}

describe("hyperq and dataset paths that are not datasets", () => {
  it("refuses /proc/self/environ without printing the environment", async () => {
    for (const cmd of [["sweep", "validate"], ["sweep", "launch", "--detach"]]) {
      const r = await hyperq([...cmd, spec("environ", "/proc/self/environ")]);
      expect(r.code).toBe(2);
      expect(r.out).toContain("/proc/self/environ: a dataset must be a regular data file, but this one lies under /proc, a system folder");
      expect(r.out).not.toContain(SECRET);
    }
  });

  it("judges a symlink by its target", async () => {
    symlinkSync("/dev/zero", join(specs, "zero.csv"));
    const r = await hyperq(["sweep", "validate", spec("zero", "zero.csv")]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("a dataset must be a regular data file, but this one lies under /dev, a system folder (it resolves to /dev/zero)");
  });

  it("refuses a file over HYPERQ_MAX_DATASET_MB, naming the limit and the file's size", async () => {
    const big = join(specs, "big.csv");
    writeFileSync(big, "date,v\n");
    truncateSync(big, 3 * 1024 * 1024); // sparse
    const r = await hyperq(["sweep", "validate", spec("big", "big.csv")], { HYPERQ_MAX_DATASET_MB: "2" });
    expect(r.code).toBe(2);
    expect(r.out).toContain(`${big}: a dataset file may hold at most 2 MiB (2097152 bytes) (the limit HYPERQ_MAX_DATASET_MB=2), but this one holds 3 MiB (3145728 bytes)`);
    const bad = await hyperq(["sweep", "validate", spec("big", "big.csv")], { HYPERQ_MAX_DATASET_MB: "lots" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("HYPERQ_MAX_DATASET_MB");
  });

  it("warns on stderr, once, when the dataset lies outside the spec's folder, and goes on", async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${i},${Math.sin(i)}`);
    writeFileSync(join(dir, "series.csv"), ["date,v", ...rows].join("\n"));
    const r = await hyperq(["sweep", "validate", spec("outside", "../series.csv")]);
    expect(r.code).toBe(0);
    const warnings = r.stderr.split("\n").filter((l) => l.includes("warning:"));
    expect(warnings).toEqual([`hyperq: warning: dataset ${join(dir, "series.csv")} lies outside the spec's folder ${specs}; make sure it is the file you mean to upload`]);
    expect(r.out).toContain("ok: random search, 2 trials");
  });
});
