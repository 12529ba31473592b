import { describe, expect, it } from "vitest";
import { ScriptCode, UnexpectedScriptCodeError, reasonOf } from "./script-codes.ts";

describe("reasonOf", () => {
  it("turns each refusal code its caller expects into the reason callers see", () => {
    expect(reasonOf("claim-trial", ScriptCode.Missing, ["missing", "finished", "cancelled"])).toBe("missing");
    expect(reasonOf("claim-trial", -2, ["missing", "finished", "cancelled"])).toBe("finished");
    expect(reasonOf("extend-sweep", ScriptCode.NothingToRun, ["missing", "nothing-to-run"])).toBe("nothing-to-run");
    expect(reasonOf("report-epoch", ScriptCode.Pruned, ["pruned", "cancelled", "lost"])).toBe("pruned");
    expect(reasonOf("put-model", ScriptCode.Refused, ["not-in-top", "refused"])).toBe("refused");
  });

  it("throws, naming the script, for a code its caller does not expect", () => {
    expect(() => reasonOf("claim-trial", ScriptCode.Lost, ["missing", "finished"])).toThrow(UnexpectedScriptCodeError);
    expect(() => reasonOf("put-model", 7, ["refused"])).toThrow("Lua script put-model answered 7, but its caller expects one of refused");
    expect(() => reasonOf("extend-sweep", "x", ["missing"])).toThrow(/extend-sweep answered x/);
  });
});
