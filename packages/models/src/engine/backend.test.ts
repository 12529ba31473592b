import { describe, expect, it } from "vitest";
import { getBackend } from "@tensorflow/tfjs-core";
import { BackendUnavailableError, hasFusedLstmKernels, initBackend } from "./backend.ts";

describe("initBackend", () => {
  it("names the allowed values when HYPERQ_BACKEND is not a backend", async () => {
    await expect(initBackend("tpu")).rejects.toThrow(/must be one of tensorflow-gpu, tensorflow, wasm, cpu, but got "tpu"/);
  });

  it("fails clearly, without falling back, when a forced backend cannot load", async () => {
    // tfjs-node is never installed in this repository's dev environment.
    const err = await initBackend("tensorflow").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(/backend "tensorflow" was requested but cannot be loaded/);
  });

  it("honours HYPERQ_BACKEND, loads once per process and keeps its answer", async () => {
    process.env["HYPERQ_BACKEND"] = "wasm";
    try {
      expect(await initBackend()).toEqual({ name: "wasm", threads: { requested: 1, effective: 1 }, lstmKernels: expect.stringMatching(/^native |^webassembly$/) });
    } finally {
      delete process.env["HYPERQ_BACKEND"];
    }
    expect(getBackend()).toBe("wasm");
    expect(hasFusedLstmKernels()).toBe(true);
    expect((await initBackend()).threads).toEqual({ requested: 1, effective: 1 });
    await expect(initBackend("cpu")).rejects.toThrow(/already initialised/);
  });
});
