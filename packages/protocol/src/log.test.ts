import { describe, expect, it } from "vitest";
import { LOG_LINE_KEYS, createLogger } from "./log.ts";

function capture(level?: "debug" | "info" | "warn" | "error" | "silent") {
  const lines: string[] = [];
  const log = createLogger({ name: "t", base: { workerId: "w1" }, out: (l) => lines.push(l), ...(level ? { level } : {}) });
  return { log, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), lines };
}

describe("createLogger", () => {
  it("writes one JSON object per line: the fixed keys first, then base and call fields", () => {
    const { log, lines, parsed } = capture();
    log.info({ trial: 3 }, "trial started");
    expect(lines[0]!.endsWith("}\n")).toBe(true);
    const [line] = parsed();
    expect(Object.keys(line!)).toEqual([...LOG_LINE_KEYS, "workerId", "trial"]);
    expect(line).toMatchObject({ level: "info", name: "t", pid: process.pid, msg: "trial started", workerId: "w1", trial: 3 });
    expect(new Date(String(line!.time)).toISOString()).toBe(line!.time);
  });

  it("keeps the fixed keys whatever the fields say, and writes errors as their message", () => {
    const { log, parsed } = capture();
    log.warn({ level: 99, msg: "x", pid: "no", time: 0, name: "other", err: new Error("boom") }, "real");
    expect(parsed()[0]).toMatchObject({ level: "warn", msg: "real", pid: process.pid, name: "t", err: "boom" });
    expect(typeof parsed()[0]!.time).toBe("string");
  });

  it("drops lines below its level", () => {
    const warn = capture("warn");
    warn.log.info({}, "no");
    warn.log.debug({}, "no");
    warn.log.error({}, "yes");
    expect(warn.parsed().map((l) => l.level)).toEqual(["error"]);
    const silent = capture("silent");
    silent.log.error({}, "no");
    expect(silent.lines).toEqual([]);
  });
});
