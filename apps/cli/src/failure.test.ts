import { CommanderError, InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { DashboardStartError } from "@hyperq/dashboard";
import { UsageError } from "./config.ts";
import { failureOf } from "./failure.ts";

describe("failureOf", () => {
  it("turns user mistakes into one line and exit 2", () => {
    expect(failureOf(new UsageError("no sweep \"x\""))).toEqual({ code: 2, message: 'hyperq: no sweep "x"' });
    expect(failureOf(new DashboardStartError("port 1 on 127.0.0.1 is in use", "EADDRINUSE"))).toEqual({ code: 2, message: "hyperq: port 1 on 127.0.0.1 is in use" });
    const flag = new CommanderError(1, "commander.invalidArgument", "error: option '--port <port>' argument '7' is invalid.\n--port must be …");
    expect(failureOf(flag)).toEqual({ code: 2, message: "hyperq: option '--port <port>' argument '7' is invalid. --port must be … (see --help)" });
  });

  it("lets help and version exit as commander says, having printed themselves", () => {
    expect(failureOf(new CommanderError(0, "commander.helpDisplayed", "(outputHelp)"))).toEqual({ code: 0 });
    expect(failureOf(new CommanderError(1, "commander.help", "(outputHelp)"))).toEqual({ code: 1 });
  });

  it("reports anything else on one line, exit 1, with the stack only when debugging", () => {
    const e = new TypeError("x is undefined\n  and more");
    expect(failureOf(e, false)).toEqual({ code: 1, message: "hyperq: unexpected error: x is undefined and more" });
    expect(failureOf(e, true).message).toContain("at ");
    expect(failureOf(new InvalidArgumentError("bad"), false).code).toBe(2);
  });
});
