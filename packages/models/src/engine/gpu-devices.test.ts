import { describe, expect, it } from "vitest";
import { NoGpuError, parseNvidiaSmi, requireGpus, visibleGpus, type GpuDevice } from "./gpu-devices.ts";

const TWO: GpuDevice[] = [
  { index: "0", uuid: "GPU-1111aaaa-0000", name: "NVIDIA H200" },
  { index: "1", uuid: "GPU-2222bbbb-0000", name: "NVIDIA H200" },
];

describe("requireGpus", () => {
  it("refuses the GPU backend when the driver lists no GPU", () => {
    expect(() => requireGpus(() => [], undefined)).toThrow(NoGpuError);
    expect(() => requireGpus(() => [], undefined)).toThrow(/needs a CUDA GPU, but none is visible \(the NVIDIA driver lists no GPU\); refusing to train on the CPU/);
  });

  it("refuses when there is no driver at all, saying why", () => {
    const noDriver = () => {
      throw new Error("no NVIDIA driver: nvidia-smi failed (spawn nvidia-smi ENOENT)");
    };
    expect(() => requireGpus(noDriver, undefined)).toThrow(/none can be found \(no NVIDIA driver: nvidia-smi failed \(spawn nvidia-smi ENOENT\)\)/);
  });

  it("refuses when CUDA_VISIBLE_DEVICES hides every listed GPU", () => {
    expect(() => requireGpus(() => TWO, "")).toThrow(/CUDA_VISIBLE_DEVICES="" hides all 2 listed/);
    expect(() => requireGpus(() => TWO, "-1")).toThrow(/CUDA_VISIBLE_DEVICES="-1" hides all 2 listed/);
    expect(() => requireGpus(() => TWO, "7")).toThrow(NoGpuError);
  });

  it("returns the visible GPUs", () => {
    expect(requireGpus(() => TWO, undefined).map((g) => g.index)).toEqual(["0", "1"]);
    expect(requireGpus(() => TWO, "1").map((g) => g.index)).toEqual(["1"]);
  });
});

describe("visibleGpus", () => {
  it("follows CUDA's rules: indexes or UUID prefixes, in the given order, up to the first invalid entry", () => {
    expect(visibleGpus(TWO, "1,0").map((g) => g.index)).toEqual(["1", "0"]);
    expect(visibleGpus(TWO, "GPU-2222").map((g) => g.index)).toEqual(["1"]);
    expect(visibleGpus(TWO, "0,9,1").map((g) => g.index)).toEqual(["0"]);
    expect(visibleGpus(TWO, " ")).toEqual([]);
  });
});

describe("parseNvidiaSmi", () => {
  it("reads index, uuid and name from nvidia-smi's CSV", () => {
    const out = "0, GPU-1111aaaa-0000, NVIDIA H200\n1, GPU-2222bbbb-0000, Tesla T4, rev 2\n\n";
    expect(parseNvidiaSmi(out)).toEqual([
      { index: "0", uuid: "GPU-1111aaaa-0000", name: "NVIDIA H200" },
      { index: "1", uuid: "GPU-2222bbbb-0000", name: "Tesla T4, rev 2" },
    ]);
  });
});
