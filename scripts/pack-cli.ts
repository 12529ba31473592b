/**
 * `pnpm pack:cli [--out <dir>]` — packs the `hyperq` command into one npm tarball that installs
 * anywhere with `npm install -g <tarball>` (Node.js ≥ 20.19), outside this checkout.
 *
 * HyperQ has no build step (its TypeScript runs through tsx, a runtime dependency of the CLI), and
 * its workspace packages are not published: the tarball bundles them (`bundleDependencies`) as
 * they are in git, tests left out, while their third-party dependencies become the CLI's own, which
 * npm installs from the registry.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;

/** Folders of the workspace packages by name. */
function workspacePackages(): Map<string, string> {
  const out = new Map<string, string>();
  for (const group of ["apps", "packages"]) {
    const dirs = execFileSync("git", ["ls-files", "--", `${group}/*/package.json`], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
    for (const file of dirs) {
      const dir = join(ROOT, dirname(file));
      out.set(readManifest(dir).name, dir);
    }
  }
  return out;
}

/** The package's files as git tracks them, without tests and benchmarks. */
function copyTracked(from: string, to: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "--", "."], { cwd: from, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const f of files) {
    if (/^(test|bench)\//.test(f) || /\.(test|int\.test|e2e\.test)\.ts$/.test(f)) continue;
    mkdirSync(dirname(join(to, f)), { recursive: true });
    cpSync(join(from, f), join(to, f));
  }
}

/** Packs the CLI; returns the tarball's path (in `outDir`). */
export function packCli(outDir: string): string {
  const packages = workspacePackages();
  const cliDir = packages.get("@hyperq/cli");
  if (!cliDir) throw new Error("no @hyperq/cli in the workspace");
  const cli = readManifest(cliDir);

  // The workspace packages the CLI needs, transitively, and the union of their registry dependencies.
  const bundled = new Set<string>();
  const external = new Map<string, { range: string; from: string }>();
  const visit = (name: string) => {
    const m = readManifest(packages.get(name)!);
    for (const [dep, range] of Object.entries(m.dependencies ?? {})) {
      if (range.startsWith("workspace:")) {
        if (!packages.has(dep)) throw new Error(`${name} depends on ${dep}, which is not in the workspace`);
        if (!bundled.has(dep)) {
          bundled.add(dep);
          visit(dep);
        }
        continue;
      }
      const seen = external.get(dep);
      if (seen && seen.range !== range) throw new Error(`${dep}: ${seen.from} wants ${seen.range} but ${name} wants ${range}; align them`);
      external.set(dep, { range, from: name });
    }
  };
  visit("@hyperq/cli");

  const stage = mkdtempSync(join(tmpdir(), "hyperq-pack-"));
  try {
    copyTracked(cliDir, stage);
    for (const name of bundled) {
      const dir = join(stage, "node_modules", name);
      copyTracked(packages.get(name)!, dir);
      const m = readManifest(packages.get(name)!);
      // Their dependencies are the CLI's (installed beside them, where Node's resolution finds them):
      // npm then installs one tree, with the bin links the dependencies' install scripts need.
      const { devDependencies: _dev, scripts: _scripts, private: _private, dependencies: _deps, ...rest } = m;
      writeFileSync(join(dir, "package.json"), `${JSON.stringify(rest, null, 2)}\n`);
    }
    const root = readManifest(ROOT);
    const dependencies = Object.fromEntries(
      [...[...external].map(([d, { range }]) => [d, range] as const), ...[...bundled].map((d) => [d, readManifest(packages.get(d)!).version] as const)].sort(([a], [b]) => a.localeCompare(b)),
    );
    const { devDependencies: _dev, private: _private, ...rest } = cli;
    const manifest = {
      ...rest,
      description: root["description"],
      engines: { node: (root["engines"] as { node: string }).node },
      dependencies,
      bundleDependencies: [...bundled].sort(),
    };
    writeFileSync(join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    cpSync(join(ROOT, "LICENSE"), join(stage, "LICENSE"));
    mkdirSync(outDir, { recursive: true });
    const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", resolve(outDir)], { cwd: stage, encoding: "utf8" });
    return join(resolve(outDir), out.trim().split("\n").pop()!);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const i = process.argv.indexOf("--out");
  const file = packCli(i >= 0 ? (process.argv[i + 1] ?? "dist") : join(ROOT, "dist"));
  process.stdout.write(`${file}\n`);
}
