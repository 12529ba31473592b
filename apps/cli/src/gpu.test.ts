import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkGpuBackend } from "./gpu.ts";

const CLI = resolve(import.meta.dirname, "main.ts");

describe("a worker on the tensorflow-gpu backend", () => {
  it("refuses to start when no GPU is visible: one line, exit 2, before touching Redis", () => {
    // CUDA_VISIBLE_DEVICES=-1 hides every GPU, on any machine; the Redis URL points nowhere.
    const r = spawnSync(process.execPath, ["--import", "tsx", CLI, "worker", "--backend", "tensorflow-gpu"], {
      encoding: "utf8",
      env: { ...process.env, CUDA_VISIBLE_DEVICES: "-1", REDIS_URL: "redis://127.0.0.1:1" },
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^hyperq: backend "tensorflow-gpu" needs a CUDA GPU, but none (is visible|can be found) .*refusing to train on the CPU/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("starts when the driver lists a visible GPU, and other backends need none", () => {
    const h200 = () => [{ index: "0", uuid: "GPU-1", name: "NVIDIA H200" }];
    expect(checkGpuBackend("tensorflow-gpu", {}, h200)).toEqual(h200());
    expect(() => checkGpuBackend("tensorflow-gpu", {}, () => [])).toThrow(/refusing to train on the CPU/);
    expect(checkGpuBackend("wasm", {}, () => [])).toEqual([]);
    expect(checkGpuBackend(undefined, {}, () => [])).toEqual([]);
  });
});
