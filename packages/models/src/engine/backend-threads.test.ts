import { describe, expect, it } from "vitest";
import { initBackend } from "./backend.ts";
import { nativeLstm } from "./native-lstm.ts";
import { requestedTrialThreads } from "./trial-threads.ts";

describe("HYPERQ_TRIAL_THREADS", () => {
  it("reaches the wasm backend, which reports the threads asked for and those it runs with", async () => {
    process.env["HYPERQ_BACKEND"] = "wasm";
    process.env["HYPERQ_TRIAL_THREADS"] = "3";
    try {
      const info = await initBackend();
      expect(info.name).toBe("wasm");
      expect(info.threads?.requested).toBe(3);
      // The native LSTM kernels run the threads asked for. Without them: tfjs-backend-wasm 4.22 never
      // loads its threaded binary under Node (docs/engine-notes.md), so XNNPACK runs on the calling
      // thread whatever is asked. Should a release enable it, this fails.
      expect(info.threads?.effective).toBe(nativeLstm() !== undefined ? 3 : 1);
    } finally {
      delete process.env["HYPERQ_BACKEND"];
      delete process.env["HYPERQ_TRIAL_THREADS"];
    }
  });

  it("asks for one thread when unset and refuses a bad value, naming the variable and rule", () => {
    expect(requestedTrialThreads(undefined)).toBe(1);
    expect(requestedTrialThreads("4")).toBe(4);
    expect(requestedTrialThreads("auto")).toBeGreaterThanOrEqual(1);
    expect(() => requestedTrialThreads("0")).toThrow(/HYPERQ_TRIAL_THREADS must be auto or a whole number of threads from 1 to 256/);
    expect(() => requestedTrialThreads("lots")).toThrow(/HYPERQ_TRIAL_THREADS must be auto/);
  });
});
