#!/usr/bin/env node
/**
 * Builds the native LSTM kernels (`build/hyperq_lstm.node`) with the machine's C++ compiler.
 * Runs on `pnpm install` (the package's `install` script) and by hand: `node native/build.mjs`.
 *
 * The addon is optional: without a compiler or Node's headers this prints one line saying why and
 * exits 0, and training runs on the WebAssembly kernels. `--strict` makes any failure an error.
 * Nothing is rebuilt when the addon is newer than its sources. Environment: CXX (default c++).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "build", "hyperq_lstm.node");
const strict = process.argv.includes("--strict");
const force = process.argv.includes("--force");

function log(level, msg, extra = {}) {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, name: "native-build", pid: process.pid, msg, ...extra })}\n`);
}

function giveUp(msg) {
  if (strict) {
    log("error", msg);
    process.exit(1);
  }
  log("warn", `${msg}; training will use the WebAssembly kernels`);
  process.exit(0);
}

function headers() {
  const candidates = [join(dirname(process.execPath), "..", "include", "node"), "/usr/local/include/node", "/usr/include/node"];
  return candidates.find((d) => existsSync(join(d, "node_api.h")));
}

const sources = readdirSync(here).filter((f) => f.endsWith(".cc") || f.endsWith(".inc"));
const newest = Math.max(...sources.map((f) => statSync(join(here, f)).mtimeMs), statSync(fileURLToPath(import.meta.url)).mtimeMs);
if (!force && existsSync(out) && statSync(out).mtimeMs >= newest) process.exit(0);

const include = headers();
if (include === undefined) giveUp("Node's C headers (node_api.h) were not found next to this Node.js");
const cxx = process.env["CXX"] || "c++";
const probe = spawnSync(cxx, ["--version"], { encoding: "utf8" });
if (probe.error !== undefined || probe.status !== 0) giveUp(`no C++ compiler (${cxx}) to build the native LSTM kernels`);

const x64 = process.arch === "x64";
const common = ["-O3", "-std=c++17", "-fPIC", "-pthread", "-fno-exceptions", "-fno-rtti", "-ffp-contract=fast", "-fvisibility=hidden", `-I${include}`, "-DNODE_GYP_MODULE_NAME=hyperq_lstm"];
const units = [
  { src: "lstm-base.cc", flags: [] },
  ...(x64
    ? [
        { src: "lstm-x86-64-v3.cc", flags: ["-march=x86-64-v3"] },
        { src: "lstm-x86-64-v4.cc", flags: ["-march=x86-64-v4"] },
      ]
    : []),
  { src: "addon.cc", flags: x64 ? ["-DHQ_HAVE_X86"] : [] },
];
const buildDir = join(here, "build");
mkdirSync(buildDir, { recursive: true });
const started = Date.now();
const objects = [];
for (const u of units) {
  const obj = join(buildDir, u.src.replace(/\.cc$/, ".o"));
  const r = spawnSync(cxx, [...common, ...u.flags, "-c", join(here, u.src), "-o", obj], { encoding: "utf8" });
  if (r.status !== 0) giveUp(`compiling ${u.src} failed: ${(r.stderr || "").split("\n").find((l) => l.includes("error")) ?? "see the compiler"}`);
  objects.push(obj);
}
const tmp = `${out}.${process.pid}.tmp`;
const link = spawnSync(cxx, ["-shared", "-pthread", "-o", tmp, ...objects], { encoding: "utf8" });
if (link.status !== 0) giveUp("linking the native LSTM kernels failed");
renameSync(tmp, out);
log("info", "native LSTM kernels built", { file: "build/hyperq_lstm.node", seconds: Math.round((Date.now() - started) / 100) / 10 });
