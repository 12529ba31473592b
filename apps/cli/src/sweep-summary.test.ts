import { afterEach, describe, expect, it, vi } from "vitest";
import { checkLaunch, launchSweep } from "@hyperq/coordinator";
import { MemorySweepStore } from "@hyperq/store";
import { printLeaderboard, printStatus } from "./sweep-commands.ts";

/** What a command printed on stdout. */
async function stdoutOf(fn: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return chunks.join("");
}

afterEach(() => vi.restoreAllMocks());

describe("summaries of a sweep whose space is smaller than its budget", () => {
  it("status and leaderboard say how many trials were asked and how many the space has", async () => {
    const r = await checkLaunch("name: small\nmethod: random\nbudget: 3\nepochs: 1\nspace: { hidden_size: [8, 16], seq_len: 5 }", process.cwd(), { id: "small" });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const store = new MemorySweepStore();
    await launchSweep(store, r.plan);
    expect(await stdoutOf(() => printStatus(store, "small"))).toContain("budget 2 trials (3 trials asked, the space has 2)");
    expect(await stdoutOf(() => printLeaderboard(store, "small", 5))).toContain("0 ranked of 2 trials (3 trials asked, the space has 2)");
  });
});
