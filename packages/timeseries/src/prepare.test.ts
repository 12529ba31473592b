import { datasetSpecSchema, type DatasetSpecInput } from "@hyperq/protocol";
import { describe, expect, it } from "vitest";
import { checkWindowsFit, clearPreparedCache, largestSeqLen, prepareDataset, prepareDatasetCached } from "./prepare.ts";
import { contentHash } from "./source.ts";
import { makeWindows } from "./windows.ts";
import { catchDatasetError } from "./testing/catch-dataset-error.ts";

const FILE = "tiny.csv";
const spec = (input: Omit<DatasetSpecInput, "path"> = {}) => datasetSpecSchema.parse({ path: FILE, target: "a", ...input });

/** Day r (1..20) of January 2020: a = r, b = r², a text label; rows written out of order. */
function tinyCsv(edit: (r: number, cells: string[]) => string[] = (_r, c) => c): string {
  const order = [3, 1, 2, ...Array.from({ length: 17 }, (_, i) => i + 4)];
  const lines = order.map((r) => edit(r, [`2020-01-${String(r).padStart(2, "0")}`, String(r), String(r * r), r % 2 === 0 ? "even" : "odd"]).join(","));
  return ["date,a,b,label", ...lines].join("\n") + "\n";
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const std = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));
const range = (lo: number, hi: number) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

describe("prepareDataset", () => {
  it("sorts by date, defaults features to the numeric columns and splits 70/15/15 chronologically", () => {
    const p = prepareDataset(spec(), tinyCsv(), FILE);
    expect(Array.from(p.target)).toEqual(range(1, 20));
    expect(p.meta.features).toEqual(["a", "b"]);
    expect(p.meta.target).toBe("a");
    expect(p.meta.splits).toEqual({
      train: { rows: 14, firstRow: 0, firstDate: "2020-01-01", lastDate: "2020-01-14" },
      val: { rows: 3, firstRow: 14, firstDate: "2020-01-15", lastDate: "2020-01-17" },
      test: { rows: 3, firstRow: 17, firstDate: "2020-01-18", lastDate: "2020-01-20" },
    });
    // File lines follow the rows through the sort: day 3 was written on line 2.
    expect(Array.from(p.lines.subarray(0, 4))).toEqual([3, 4, 2, 5]);
    expect(JSON.parse(JSON.stringify(p.meta))).toEqual(p.meta);
  });

  it("fits the standard scaler on the training rows alone", () => {
    const p = prepareDataset(spec({ split: { train: 0.6, validation: 0.2 } }), tinyCsv(), FILE);
    const trainA = range(1, 12);
    const trainB = trainA.map((r) => r * r);
    expect(p.meta.featureScaler.columns).toEqual(["a", "b"]);
    expect(p.meta.featureScaler.offset[0]).toBeCloseTo(mean(trainA), 12);
    expect(p.meta.featureScaler.scale[0]).toBeCloseTo(std(trainA), 12);
    expect(p.meta.featureScaler.offset[1]).toBeCloseTo(mean(trainB), 12);
    expect(p.meta.featureScaler.scale[1]).toBeCloseTo(std(trainB), 12);
    expect(p.meta.targetScaler.offset[0]).toBeCloseTo(mean(trainA), 12);
    expect(p.meta.targetMean).toBeCloseTo(6.5, 12);
    // The training part of the scaled matrix has mean 0 and std 1 per column.
    const scaledA = range(0, 11).map((r) => p.scaled[r * 2] ?? NaN);
    expect(mean(scaledA)).toBeCloseTo(0, 6);
    expect(std(scaledA)).toBeCloseTo(1, 6);
  });

  it("fits the min-max scaler on the training rows alone", () => {
    const p = prepareDataset(spec({ scaler: "minmax", split: { train: 0.6, validation: 0.2 } }), tinyCsv(), FILE);
    expect(p.meta.featureScaler).toEqual({ kind: "minmax", columns: ["a", "b"], offset: [1, 1], scale: [11, 143] });
    // Later rows scale beyond 1: the scaler never saw them.
    expect(p.scaled[19 * 2]).toBeCloseTo(19 / 11, 6);
  });

  it("fits the target scaler of a relative transform on transformed training targets only", () => {
    const p = prepareDataset(spec({ target: "b", targetTransform: "diff", horizon: 2, scaler: "minmax", split: { train: 0.5, validation: 0.25 } }), tinyCsv(), FILE);
    // Train rows r = 1..10, b = r²; diffs b[t+h] - b[t] with t+h ≤ 10: smallest 2²-1² = 3, largest 10²-8² = 36.
    expect(p.meta.targetScaler).toEqual({ kind: "minmax", columns: ["diff(b)"], offset: [3], scale: [33] });
  });

  it("leaks nothing from validation and test into scalers or training windows", () => {
    const s = spec({ split: { train: 0.6, validation: 0.2 }, targetTransform: "diff" });
    const base = prepareDataset(s, tinyCsv(), FILE);
    const changed = prepareDataset(s, tinyCsv((r, c) => (r > 12 ? [c[0] ?? "", String(1000 * r), "-5", "z"] : c)), FILE);
    expect(changed.meta.featureScaler).toEqual(base.meta.featureScaler);
    expect(changed.meta.targetScaler).toEqual(base.meta.targetScaler);
    expect(changed.meta.targetMean).toBe(base.meta.targetMean);
    for (const seqLen of [1, 2, 3]) {
      expect(makeWindows(changed, seqLen).train).toEqual(makeWindows(base, seqLen).train);
    }
  });

  it("takes listed features in the order given, and a target outside the features", () => {
    const p = prepareDataset(spec({ features: ["b"], target: "a" }), tinyCsv(), FILE);
    expect(p.meta.features).toEqual(["b"]);
    expect(Array.from(p.values.subarray(0, 3))).toEqual([1, 4, 9]);
  });
});

describe("prepareDataset: relative features", () => {
  it("feeds each feature as its change from the previous row, scaled on training rows 1… only", () => {
    const p = prepareDataset(spec({ featureTransform: "diff", scaler: "minmax" }), tinyCsv(), FILE);
    // a = r: every change is 1 (row 0, with no past, reads as no change); b = r²: changes 2r − 1.
    const a = range(0, 19).map((r) => p.scaled[r * 2]);
    const bRaw = range(1, 20).map((r) => (r === 1 ? 0 : 2 * r - 1));
    const lo = Math.min(...bRaw.slice(1, 14));
    const hi = Math.max(...bRaw.slice(1, 14));
    expect(p.meta.featureTransform).toBe("diff");
    expect(p.meta.featureScaler.offset[1]).toBe(lo);
    expect(p.meta.featureScaler.scale[1]).toBe(hi - lo);
    range(0, 19).forEach((r) => expect(p.scaled[r * 2 + 1]).toBeCloseTo((bRaw[r]! - lo) / (hi - lo), 6));
    expect(a.slice(1).every((v) => Number.isFinite(v))).toBe(true);
    // The features keep their original units for display; the target is untouched.
    expect(Array.from(p.values.subarray(0, 4))).toEqual([1, 1, 2, 4]);
    expect(Array.from(p.target.subarray(0, 3))).toEqual([1, 2, 3]);
  });

  it("uses only the past: changing a later row changes no earlier input", () => {
    const base = prepareDataset(spec({ featureTransform: "log-return" }), tinyCsv(), FILE);
    const edited = prepareDataset(spec({ featureTransform: "log-return" }), tinyCsv((r, c) => (r === 16 ? [c[0]!, "99", c[2]!, c[3]!] : c)), FILE);
    expect(Array.from(edited.scaled.subarray(0, 15 * 2))).toEqual(Array.from(base.scaled.subarray(0, 15 * 2)));
    expect(edited.scaled[15 * 2]).not.toBe(base.scaled[15 * 2]);
  });

  it("rejects values a relative transform cannot take, naming the column and line", () => {
    const e = catchDatasetError(() => prepareDataset(spec({ featureTransform: "log-return" }), tinyCsv((r, c) => (r === 5 ? [c[0]!, c[1]!, "-3", c[3]!] : c)), FILE));
    expect(e.message).toMatch(/column "b"/);
    expect(e.message).toMatch(/featureTransform: log-return/);
  });
});

describe("prepareDataset: missing values", () => {
  const withGap = tinyCsv((r, c) => (r === 5 ? [c[0] ?? "", "", c[2] ?? "", c[3] ?? ""] : r === 9 ? [c[0] ?? "", c[1] ?? "", "NA", c[3] ?? ""] : c));

  it("rejects them by default, naming the file, column and line", () => {
    const e = catchDatasetError(() => prepareDataset(spec(), withGap, FILE));
    expect(e).toMatchObject({ file: FILE, column: "a", row: 6 });
    expect(e.message).toBe('tiny.csv, column "a", line 6: missing values are rejected (`missing: reject`); choose `ffill` or `drop` to accept them');
  });

  it("forward-fills from the previous date", () => {
    const p = prepareDataset(spec({ missing: "ffill" }), withGap, FILE);
    expect(p.target[4]).toBe(4);
    expect(p.values[8 * 2 + 1]).toBe(64);
    expect(p.meta.filledValues).toBe(2);
    expect(p.meta.rows).toBe(20);
  });

  it("drops incomplete rows", () => {
    const p = prepareDataset(spec({ missing: "drop" }), withGap, FILE);
    expect(p.meta.rows).toBe(18);
    expect(p.meta.droppedRows).toBe(2);
    expect(p.dateLabels).not.toContain("2020-01-05");
    expect(p.dateLabels).not.toContain("2020-01-09");
  });

  it("cannot forward-fill the first row", () => {
    const text = tinyCsv((r, c) => (r === 1 ? [c[0] ?? "", "", c[2] ?? "", c[3] ?? ""] : c));
    expect(catchDatasetError(() => prepareDataset(spec({ missing: "ffill" }), text, FILE))).toMatchObject({ column: "a", row: 3 });
  });

  it("ignores gaps in columns the spec does not use", () => {
    const text = tinyCsv((r, c) => (r === 5 ? [c[0] ?? "", c[1] ?? "", "", c[3] ?? ""] : c));
    expect(prepareDataset(spec({ features: ["a"] }), text, FILE).meta.rows).toBe(20);
  });
});

describe("prepareDataset: bad input", () => {
  it("rejects a non-numeric value in a used numeric column", () => {
    const text = tinyCsv((r, c) => (r === 7 ? [c[0] ?? "", c[1] ?? "", "12,5", c[3] ?? ""] : c)).replace("12,5", '"12,5"');
    const e = catchDatasetError(() => prepareDataset(spec({ features: ["a", "b"] }), text, FILE));
    expect(e).toMatchObject({ column: "b", row: 8 });
    expect(e.message).toBe('tiny.csv, column "b", line 8: a feature column must be numeric, but got "12,5"');
  });

  it("skips a text column when features are defaulted, but rejects it when listed", () => {
    expect(prepareDataset(spec(), tinyCsv(), FILE).meta.features).toEqual(["a", "b"]);
    const e = catchDatasetError(() => prepareDataset(spec({ features: ["a", "label"] }), tinyCsv(), FILE));
    expect(e).toMatchObject({ column: "label", row: 2 });
    expect(e.rule).toBe('a feature column must be numeric, but got "odd"');
  });

  it("rejects a non-numeric target", () => {
    expect(catchDatasetError(() => prepareDataset(spec({ target: "label", features: ["a"] }), tinyCsv(), FILE)).rule).toContain("the target column must be numeric");
  });

  it("rejects unknown columns, naming the column and the columns there are", () => {
    const e = catchDatasetError(() => prepareDataset(spec({ features: ["a", "volume"] }), tinyCsv(), FILE));
    expect(e.column).toBe("volume");
    expect(e.message).toBe('tiny.csv, column "volume": `features` names a column the file does not have; its columns are "date", "a", "b", "label"');
    expect(catchDatasetError(() => prepareDataset(spec({ target: "close" }), tinyCsv(), FILE)).column).toBe("close");
    expect(catchDatasetError(() => prepareDataset(spec({ dateColumn: "day" }), tinyCsv(), FILE)).column).toBe("day");
    expect(catchDatasetError(() => prepareDataset(spec(), tinyCsv().replace("date,", "day,"), FILE)).rule).toBe(
      '`dateColumn` defaults to "date", but the file has no such column; its columns are "day", "a", "b", "label"',
    );
  });

  it("needs a target for a user file", () => {
    const e = catchDatasetError(() => prepareDataset(datasetSpecSchema.parse({ path: FILE }), tinyCsv(), FILE));
    expect(e.rule).toContain("`target` is required");
  });

  it("rejects duplicate dates, naming both lines", () => {
    const text = tinyCsv((r, c) => (r === 6 ? ["2020-01-05", ...c.slice(1)] : c));
    const e = catchDatasetError(() => prepareDataset(spec(), text, FILE));
    expect(e).toMatchObject({ column: "date", row: 7 });
    expect(e.rule).toBe('dates must be unique, but "2020-01-05" also appears on line 6');
  });

  it("rejects unreadable and empty dates", () => {
    const bad = (cell: string) => catchDatasetError(() => prepareDataset(spec(), tinyCsv((r, c) => (r === 4 ? [cell, ...c.slice(1)] : c)), FILE));
    expect(bad("2020-02-30")).toMatchObject({ column: "date", row: 5 });
    expect(bad("soon").rule).toContain('got "soon"');
    expect(bad("").rule).toBe("every row needs a date, but this one is empty");
  });

  it("rejects a series too short for one window in every split", () => {
    const e = catchDatasetError(() => prepareDataset(spec({ horizon: 3 }), tinyCsv(), FILE));
    expect(e.column).toBeUndefined();
    expect(e.message).toBe("tiny.csv: every split needs at least seq_len + horizon rows (seq_len ≥ 1, horizon=3), but the validation part has 3 of the 20 rows (split 0.7/0.15/rest)");
    expect(catchDatasetError(() => prepareDataset(spec(), "date,a\n2020-01-01,1\n", FILE)).rule).toContain("the train part has 0 of the 1 rows");
  });

  it("rejects targets a relative transform cannot divide by", () => {
    const zero = tinyCsv((r, c) => (r === 10 ? [c[0] ?? "", "0", ...c.slice(2)] : c));
    expect(catchDatasetError(() => prepareDataset(spec({ targetTransform: "pct-change" }), zero, FILE))).toMatchObject({ column: "a", row: 11 });
    const negative = tinyCsv((r, c) => (r === 10 ? [c[0] ?? "", "-1", ...c.slice(2)] : c));
    const e = catchDatasetError(() => prepareDataset(spec({ targetTransform: "log-return" }), negative, FILE));
    expect(e.rule).toBe("`targetTransform: log-return` needs positive target values, but got -1; use `diff` or `raw`");
    expect(prepareDataset(spec({ targetTransform: "diff" }), negative, FILE).meta.rows).toBe(20);
  });

  it("rejects a file whose content no longer matches the spec's contentHash", () => {
    const text = tinyCsv();
    expect(() => prepareDataset(spec({ contentHash: contentHash(text) }), text, FILE)).not.toThrow();
    expect(catchDatasetError(() => prepareDataset(spec({ contentHash: contentHash(text) }), text + "2020-01-21,21,441,odd\n", FILE)).rule).toContain("the file changed");
  });
});

describe("dates", () => {
  it("reads ISO dates with times and offsets, integer time steps and Date.parse formats", () => {
    const text = "t,a\n2020-01-01T00:30:00+01:00,1\n2019-12-31T23:00Z,2\n2020-01-01 00:00,3\n";
    const p = prepareDataset(datasetSpecSchema.parse({ path: FILE, dateColumn: "t", target: "a", split: { train: 0.34, validation: 0.34 } }), text + "2020-01-02,4\n2020-01-03,5\n2020-01-04,6\n", FILE);
    expect(Array.from(p.target)).toEqual([2, 1, 3, 4, 5, 6]);
    expect(p.dates[0]).toBe(Date.UTC(2019, 11, 31, 23));
    const years = prepareDataset(datasetSpecSchema.parse({ path: FILE, dateColumn: "year", target: "a", split: { train: 0.34, validation: 0.34 } }), "year,a\n1999,1\n1997,2\n1998,3\n2000,4\n2001,5\n2002,6\n", FILE);
    expect(Array.from(years.target)).toEqual([2, 3, 1, 4, 5, 6]);
    expect(years.dateLabels[0]).toBe("1997");
    // The format of vega-datasets/data/sp500.csv, read as UTC whatever the machine's zone.
    const words = prepareDataset(datasetSpecSchema.parse({ path: FILE, target: "a", split: { train: 0.34, validation: 0.34 } }), "date,a\nFeb 1 2000,2\nJan 1 2000,1\nMar 1 2000,3\nApr 1 2000,4\nMay 1 2000,5\nJun 1 2000,6\n", FILE);
    expect(Array.from(words.target)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(words.dates[0]).toBe(Date.UTC(2000, 0, 1));
  });
});

describe("prepareDatasetCached", () => {
  it("prepares once per spec and content", () => {
    clearPreparedCache();
    const text = tinyCsv();
    const a = prepareDatasetCached(spec(), text, FILE);
    expect(prepareDatasetCached(spec(), text, FILE)).toBe(a);
    // Key order in the spec does not matter.
    expect(prepareDatasetCached(datasetSpecSchema.parse({ target: "a", path: FILE }), text, FILE)).toBe(a);
    expect(prepareDatasetCached(spec({ scaler: "minmax" }), text, FILE)).not.toBe(a);
    expect(prepareDatasetCached(spec(), text.replace("2020-01-20,20,", "2020-01-20,21,"), FILE)).not.toBe(a);
  });
});

describe("checkWindowsFit", () => {
  it("accepts the largest seq_len with one window per split and names the rule beyond it", () => {
    const p = prepareDataset(spec({ split: { train: 0.6, validation: 0.2 } }), tinyCsv(), FILE);
    expect(largestSeqLen(p.meta)).toBe(3);
    expect(() => checkWindowsFit(p, 3)).not.toThrow();
    const e = catchDatasetError(() => checkWindowsFit(p, 4));
    expect(e.message).toBe(
      "tiny.csv: `seq_len + horizon ≤ rows` must hold in every split, but the validation part has 4 rows and seq_len=4, horizon=1 need 5 (the largest seq_len that fits is 3)",
    );
    expect(catchDatasetError(() => makeWindows(p, 4)).rule).toContain("validation part has 4 rows");
    expect(catchDatasetError(() => checkWindowsFit(p, 0)).rule).toContain("integer ≥ 1");
  });
});
