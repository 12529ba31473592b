import { describe, expect, it } from "vitest";
import { parseSweepSpec, type TrialMetrics } from "@hyperq/protocol";
import { MemorySweepStore, finishedCount } from "@hyperq/store";
import { follow } from "./sweep-commands.ts";

const metrics = (valLoss: number): TrialMetrics => ({
  valLoss,
  valMae: valLoss,
  valRmse: valLoss,
  naiveMae: 1,
  meanMae: 1,
  maeRatio: valLoss,
  trainLoss: valLoss,
  bestEpoch: 1,
  epochs: 1,
  durationMs: 1,
  backend: "cpu",
  workerId: "w",
});

describe("follow (the CLI's progress loop)", () => {
  it("follows the sweep's events until it ends and returns the final record", async () => {
    const spec = parseSweepSpec({ name: "f", method: "random", budget: 3, epochs: 1, space: { hidden_size: [16, 32] } });
    if (!spec.ok) throw new Error(JSON.stringify(spec.issues));
    const store = new MemorySweepStore();
    await store.createSweep(spec.value, { id: "f", budget: 3 });
    const followed = follow(store, "f");
    for (let n = 0; n < 3; n++) {
      await store.createTrial("f", n, {}, n);
      await store.claimTrial("f", n, { workerId: "w", token: `t${n}` });
      if (n === 1) await store.failTrial("f", n, `t${n}`, "boom");
      else await store.completeTrial("f", n, `t${n}`, metrics(0.5 + n));
    }
    await store.setSweepState("f", "complete");
    const done = await followed;
    expect(done.state).toBe("complete");
    expect(finishedCount(done.counts)).toBe(3);
    expect(done.best?.trial).toBe(0);
  });
});
