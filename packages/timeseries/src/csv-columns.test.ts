import { describe, expect, it } from "vitest";
import { parseDelimited, readColumns } from "./csv.ts";
import type { DatasetError } from "./errors.ts";

describe("readColumns: records read one at a time into numeric columns", () => {
  it("reads what parseDelimited reads: quotes spanning lines, CRLF, blank lines, a BOM, line numbers", () => {
    const text = '\ufeffdate,note,v\r\n2020-01-01,"a, ""b""",1\r\n\r\n2020-01-02,"two\nlines",2.5\n2020-01-03,plain,\n2020-01-04,x,-3e2';
    const rows = parseDelimited(text, "f.csv");
    const cols = readColumns(text, "f.csv", { textColumns: ["date", "note"] });
    expect(cols.header).toEqual(rows.header);
    expect(cols.rowCount).toBe(rows.rows.length);
    expect([...cols.lines]).toEqual(rows.lines);
    expect([...cols.lines]).toEqual([2, 4, 6, 7]);
    expect(cols.text.get("date")).toEqual(rows.rows.map((r) => r[0]));
    expect(cols.text.get("note")).toEqual(['a, "b"', "two\nlines", "plain", "x"]);
    const v = cols.numeric.get("v");
    expect(v && [...v.values]).toEqual([1, 2.5, Number.NaN, -300]);
    expect(v).toMatchObject({ present: 3 });
    expect(v?.firstBad).toBeUndefined();
  });

  it("keeps a column's first bad cell and drops its numbers at the first non-number", () => {
    const text = "date,a,b\n1,1,1\n2,1e400,2\n3,4,abc\n4,inf,5\n";
    const cols = readColumns(text, "f.csv", { textColumns: ["date"] });
    // An infinite value is a bad cell but still a number; a word makes the column unusable.
    expect(cols.numeric.get("a")).toMatchObject({ firstBad: { line: 3, cell: "1e400" }, nonNumber: { line: 5, cell: "inf" }, values: new Float64Array(0) });
    expect(cols.numeric.get("b")).toMatchObject({ firstBad: { line: 4, cell: "abc" }, nonNumber: { line: 4, cell: "abc" }, values: new Float64Array(0) });
    expect(cols.numeric.has("date")).toBe(false);
  });

  it("grows past its first buffer and reports a short record by its line", () => {
    const n = 5000;
    const text = ["t,v", ...Array.from({ length: n }, (_, i) => `${i},${i / 2}`)].join("\n");
    const cols = readColumns(text, "f.csv", { textColumns: ["t"] });
    expect(cols.rowCount).toBe(n);
    expect(cols.numeric.get("v")?.values[n - 1]).toBe((n - 1) / 2);
    expect(cols.lines[n - 1]).toBe(n + 1);
    const e = (() => {
      try {
        readColumns("t,v\n1,2\n3\n", "f.csv", { textColumns: ["t"] });
      } catch (err) {
        return err as DatasetError;
      }
      throw new Error("expected a DatasetError");
    })();
    expect(e.message).toBe("f.csv, line 3: every row needs 2 fields like the header, but this one has 1");
  });
});
