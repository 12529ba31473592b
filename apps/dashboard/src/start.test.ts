import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { MemorySweepStore } from "@hyperq/store";
import { DashboardStartError } from "./errors.ts";
import { isLoopback, startDashboard, type RunningDashboard } from "./start.ts";

describe("startDashboard", () => {
  const running: RunningDashboard[] = [];
  afterEach(async () => {
    for (const d of running.splice(0)) await d.close();
  });

  it("binds 127.0.0.1 by default, reads openly, and answers only to localhost names", async () => {
    const d = await startDashboard({ store: new MemorySweepStore(), port: 0 });
    running.push(d);
    expect(d.url).toBe(`http://127.0.0.1:${d.port}`);
    expect((await fetch(`${d.url}/api/sweeps`)).status).toBe(200);
    // fetch may not set Host; a DNS-rebinding page's requests carry the attacker's name.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http.get({ host: "127.0.0.1", port: d.port, path: "/api/sweeps", headers: { Host: "attacker.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on("error", reject);
    });
    expect(status).toBe(421);
  });

  it("needs the token to read when bound beyond localhost with one", async () => {
    const d = await startDashboard({ store: new MemorySweepStore(), port: 0, host: "0.0.0.0", token: "tok" });
    running.push(d);
    expect((await fetch(`${d.url}/api/sweeps`)).status).toBe(401);
    expect((await fetch(`${d.url}/api/sweeps?token=tok`)).status).toBe(200);
  });

  it("says which port is taken", async () => {
    const d = await startDashboard({ store: new MemorySweepStore(), port: 0 });
    running.push(d);
    await expect(startDashboard({ store: new MemorySweepStore(), port: d.port })).rejects.toThrow(/port \d+ on 127\.0\.0\.1 is in use/);
  });

  it("knows loopback names", () => {
    expect(["127.0.0.1", "localhost", "::1", "127.0.1.1"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "10.0.0.5", "::"].some(isLoopback)).toBe(false);
  });
});

describe("startDashboard beyond localhost", () => {
  it("refuses to start without a token unless told it may be insecure", async () => {
    await expect(startDashboard({ store: new MemorySweepStore(), port: 0, host: "0.0.0.0" })).rejects.toThrow(DashboardStartError);
    await expect(startDashboard({ store: new MemorySweepStore(), port: 0, host: "0.0.0.0" })).rejects.toThrow(/without HYPERQ_TOKEN.*--insecure/);
    const d = await startDashboard({ store: new MemorySweepStore(), port: 0, host: "0.0.0.0", insecure: true });
    try {
      expect((await fetch(`${d.url}/api/sweeps`)).status).toBe(200);
    } finally {
      await d.close();
    }
  });

  it("refuses a port out of range in words", async () => {
    await expect(startDashboard({ store: new MemorySweepStore(), port: 70000 })).rejects.toThrow(/port must be an integer in 0\.\.65535/);
  });
});
