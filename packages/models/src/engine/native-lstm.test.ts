import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nativeLstm } from "./native-lstm.ts";

const compilerPresent = spawnSync(process.env["CXX"] || "c++", ["--version"]).status === 0;

describe("native LSTM kernels", () => {
  it.runIf(compilerPresent)("are built at install where a C++ compiler is present (`pnpm --filter @hyperq/models build:native`)", () => {
    const lib = nativeLstm({});
    expect(lib).toBeDefined();
    expect(["x86-64-v4", "x86-64-v3", "baseline"]).toContain(lib?.isa);
  });

  it("are switched off by HYPERQ_NATIVE_KERNELS=off", () => {
    expect(nativeLstm({ HYPERQ_NATIVE_KERNELS: "off" })).toBeUndefined();
  });

  it.runIf(compilerPresent)("refuse a tensor outside the heap, a misaligned one and bad sizes, writing nothing", () => {
    const lib = nativeLstm({})!;
    const heap = new ArrayBuffer(4096);
    const bytes = new Uint8Array(heap);
    // T2 B1 I1 H1: x 2, wih 4, b 4, whh 4, h0 1, c0 1, hc 3, cSeq 2, gates 8 floats.
    const ok = [0, 16, 32, 48, 64, 68, 72, 84, 92];
    expect(() => lib.forward(heap, 2, 1, 1, 1, 0, ...ok)).not.toThrow();
    bytes.fill(7);
    const outside = [...ok.slice(0, 8), 4096 - 16];
    expect(() => lib.forward(heap, 2, 1, 1, 1, 0, ...outside)).toThrow(/outside the heap/);
    expect(() => lib.forward(heap, 2, 1, 1, 1, 0, ...ok.slice(0, 8), 93)).toThrow(/misaligned/);
    expect(() => lib.forward(heap, 2, 0, 1, 1, 0, ...ok)).toThrow(/sizes out of range/);
    expect(() => lib.forward(heap, 2, 1, 1, 1, 0, ...ok.slice(0, 8))).toThrow(/number of arguments/);
    expect(bytes.every((b) => b === 7)).toBe(true);
  });
});

describe("native/build.mjs", () => {
  const script = fileURLToPath(new URL("../../native/build.mjs", import.meta.url));
  const run = (...args: string[]) => spawnSync(process.execPath, [script, "--force", ...args], { encoding: "utf8", env: { ...process.env, CXX: "/nonexistent/c++" } });

  it("without a compiler: one warning line, exit 0, so the install goes on with the WebAssembly kernels", () => {
    const r = run();
    expect(r.status).toBe(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ level: "warn", name: "native-build", msg: expect.stringMatching(/no C\+\+ compiler .*WebAssembly kernels/) });
  });

  it("with --strict, the same is an error (exit 1)", () => {
    const r = run("--strict");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/"level":"error".*no C\+\+ compiler/);
  });
});
