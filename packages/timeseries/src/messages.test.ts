import { describe, expect, it } from "vitest";
import { datasetSpecSchema } from "@hyperq/protocol";
import { DatasetError } from "./errors.ts";
import { prepareDataset } from "./prepare.ts";

/** `date,v` with 40 daily rows, then `cell` put in row `at` (1-based file line). */
function series(line: number, cell: string): string {
  const rows = Array.from({ length: 40 }, (_, i) => `2020-02-${String(1 + (i % 28)).padStart(2, "0")}T${String(Math.floor(i / 28)).padStart(2, "0")}:00:00Z,${i + 1}`);
  const at = line - 2;
  rows[at] = `${rows[at]?.split(",")[0] ?? ""},${cell}`;
  return ["date,v", ...rows].join("\n");
}

function message(text: string): string {
  try {
    prepareDataset(datasetSpecSchema.parse({ path: "f.csv", target: "v" }), text, "f.csv");
  } catch (e) {
    if (e instanceof DatasetError) return e.message;
    throw e;
  }
  throw new Error("expected a DatasetError");
}

describe("dataset messages name the column, line and cell", () => {
  it("a word in the only value column", () => {
    expect(message(series(6, "abc"))).toBe('f.csv, column "v", line 6: `features` defaults to every numeric column, but none is: this column must hold finite numbers, but got "abc"');
  });

  it("an `inf` in the only value column", () => {
    expect(message(series(31, "inf"))).toBe('f.csv, column "v", line 31: `features` defaults to every numeric column, but none is: this column must hold finite numbers, but got "inf"');
  });

  it("a value that overflows to infinity, as before", () => {
    expect(message(series(9, "1e400"))).toBe('f.csv, column "v", line 9: the target column must be numeric, but got "1e400"');
  });

  it("a header-only file has no data rows", () => {
    expect(message("date,v\n")).toBe("f.csv: the file must have data rows below its header, but it has only the header (line 1)");
    expect(message("date,v\n\n\n")).toContain("only the header");
  });
});
