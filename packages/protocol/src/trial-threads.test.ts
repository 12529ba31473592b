import { describe, expect, it } from "vitest";
import { configSchema, trialProcessEnv } from "./config.ts";
import { resolveTrialThreads } from "./trial-threads.ts";

describe("resolveTrialThreads", () => {
  it("shares the cores among the trials running at once for auto, never below one", () => {
    expect(resolveTrialThreads("auto", 16, 1)).toBe(16);
    expect(resolveTrialThreads("auto", 16, 3)).toBe(5);
    expect(resolveTrialThreads("auto", 2, 4)).toBe(1);
    expect(resolveTrialThreads("2", 16, 8)).toBe(2);
  });

  it("refuses anything else, naming the variable and rule", () => {
    for (const bad of ["0", "257", "-1", "1.5", "many", ""]) {
      expect(() => resolveTrialThreads(bad, 4, 1)).toThrow(/^HYPERQ_TRIAL_THREADS must be auto or a whole number of threads from 1 to 256$/);
    }
  });

  it("is off (1) by default and travels to trial processes", () => {
    expect(configSchema.parse({}).HYPERQ_TRIAL_THREADS).toBe("1");
    expect(trialProcessEnv({ HYPERQ_TRIAL_THREADS: "4" }, {})["HYPERQ_TRIAL_THREADS"]).toBe("4");
    expect(() => trialProcessEnv({ HYPERQ_TRIAL_THREADS: "x" }, {})).toThrow(/HYPERQ_TRIAL_THREADS: HYPERQ_TRIAL_THREADS must be auto/);
  });
});
