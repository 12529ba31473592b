import { describe, expect, it } from "vitest";
import { parseDelimited } from "./csv.ts";
import { catchDatasetError } from "./testing/catch-dataset-error.ts";

describe("parseDelimited", () => {
  it("reads quoted fields, doubled quotes, delimiters and newlines inside quotes", () => {
    const t = parseDelimited('date,note,v\n2020-01-01,"a, ""b""",1\n2020-01-02,"two\nlines",2\n2020-01-03,plain,3\n', "f.csv");
    expect(t.delimiter).toBe(",");
    expect(t.header).toEqual(["date", "note", "v"]);
    expect(t.rows).toEqual([
      ["2020-01-01", 'a, "b"', "1"],
      ["2020-01-02", "two\nlines", "2"],
      ["2020-01-03", "plain", "3"],
    ]);
    // The record after a two-line field starts on line 5.
    expect(t.lines).toEqual([2, 3, 5]);
  });

  it("accepts a byte-order mark, CRLF line ends, blank lines and a missing final newline", () => {
    const t = parseDelimited("\ufeffdate,v\r\n2020-01-01,1\r\n\r\n2020-01-02,2", "f.csv");
    expect(t.header).toEqual(["date", "v"]);
    expect(t.rows).toEqual([
      ["2020-01-01", "1"],
      ["2020-01-02", "2"],
    ]);
    expect(t.lines).toEqual([2, 4]);
  });

  it("keeps empty fields", () => {
    expect(parseDelimited("a,b,c\n1,,3\n,,\n", "f.csv").rows).toEqual([
      ["1", "", "3"],
      ["", "", ""],
    ]);
  });

  it("reads TSV by extension and by a header with tabs and no commas", () => {
    expect(parseDelimited("id\trate\n1001\t.097\n", "unemployment.tsv").rows).toEqual([["1001", ".097"]]);
    const sniffed = parseDelimited('date\tv\tnote\n2020-01-01\t1\t"x\ty"\n', "data.txt");
    expect(sniffed.delimiter).toBe("\t");
    expect(sniffed.rows).toEqual([["2020-01-01", "1", "x\ty"]]);
    // A comma inside a TSV field is data.
    expect(parseDelimited("a\tb\n1,5\t2\n", "x.tsv").rows).toEqual([["1,5", "2"]]);
  });

  it("rejects a row with the wrong number of fields, naming the line", () => {
    const e = catchDatasetError(() => parseDelimited("date,v\n2020-01-01,1\n2020-01-02,2,9\n", "f.csv"));
    expect(e.row).toBe(3);
    expect(e.message).toBe("f.csv, line 3: every row needs 2 fields like the header, but this one has 3");
  });

  it("rejects an unterminated quote, an empty file, empty and duplicate column names", () => {
    expect(catchDatasetError(() => parseDelimited('date,v\n2020-01-01,"1\n', "f.csv")).row).toBe(2);
    expect(catchDatasetError(() => parseDelimited("", "f.csv")).message).toContain("empty");
    expect(catchDatasetError(() => parseDelimited("date,,v\n", "f.csv")).rule).toContain("column 2 of the header is empty");
    const dup = catchDatasetError(() => parseDelimited("date,v,v\n", "f.csv"));
    expect(dup.column).toBe("v");
    expect(dup.rule).toContain("columns 2 and 3");
  });

  it("rejects text after a closing quote", () => {
    expect(catchDatasetError(() => parseDelimited('a,b\n"x"y,1\n', "f.csv")).row).toBe(2);
  });
});
