import { describe, expect, it } from "vitest";
import { parseSweepSpecText } from "./spec.ts";

function issues(text: string): string[] {
  const r = parseSweepSpecText(text);
  if (r.ok) throw new Error("expected a rejection");
  return r.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("spec messages", () => {
  it("a YAML syntax error names the line and column, without quoting the file", () => {
    expect(issues("name: x\ntoken: hq-secret: 42\n")).toEqual(["(file): not valid YAML or JSON: Nested mappings are not allowed in compact mappings at line 2, column 8"]);
  });
});
