import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { datasetSpecSchema, type DatasetSpecInput } from "@hyperq/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { DatasetError } from "./errors.ts";
import { evaluateForecast } from "./metrics.ts";
import { checkWindowsFit, largestSeqLen, prepareDataset, prepareDatasetCached } from "./prepare.ts";
import { scaleValue } from "./scaler.ts";
import { contentHash, readDatasetSource } from "./source.ts";
import { makeWindows } from "./windows.ts";

const load = (input: DatasetSpecInput) => {
  const spec = datasetSpecSchema.parse(input);
  const { text, file } = readDatasetSource(spec, "/nowhere");
  return prepareDatasetCached(spec, text, file);
};

describe("bundled sp500 (data/sp500-2000.csv)", () => {
  it("loads with close as the target and every OHLCV column as a feature", () => {
    const p = load({ name: "sp500" });
    expect(p.meta.file).toBe("data/sp500-2000.csv");
    expect(p.meta.features).toEqual(["open", "high", "low", "close", "adjclose", "volume"]);
    expect(p.meta.target).toBe("close");
    expect(p.meta.rows).toBe(5105);
    expect(p.meta.splits.train).toMatchObject({ rows: 3573, firstDate: "2000-01-03", lastDate: "2014-03-18" });
    expect(p.meta.splits.val).toMatchObject({ rows: 765, firstDate: "2014-03-19", lastDate: "2017-03-30" });
    expect(p.meta.splits.test).toMatchObject({ rows: 767, firstDate: "2017-03-31", lastDate: "2020-04-17" });
    // Volume (~1e9) is scaled per column like the prices.
    const volumeTrain = Array.from({ length: 3573 }, (_, r) => p.scaled[r * 6 + 5]!);
    expect(Math.max(...volumeTrain.map(Math.abs))).toBeLessThan(10);
  });

  it("reproduces the issue's naive baseline: 11.9 index points on the 20-day validation windows", () => {
    const p = load({ name: "sp500", targetTransform: "log-return" });
    const w = makeWindows(p, 20);
    expect(w.val.n).toBe(765 - 20);
    const noChange = new Float32Array(w.val.n).fill(scaleValue(p.meta.targetScaler, 0, 0));
    const m = evaluateForecast(p, 20, "val", noChange);
    expect(m.naiveMae).toBeCloseTo(11.9, 1);
    expect(m.valMae).toBeCloseTo(m.naiveMae, 2);
    expect(m.meanMae).toBeGreaterThan(500); // the 2000-2014 mean is far below the 2014-2017 level
  });

  it("fits the longest seq_len range of the seed (120)", () => {
    expect(() => checkWindowsFit(load({ name: "sp500" }), 120)).not.toThrow();
  });
});

describe("bundled seattle-weather (data/seattle-weather.csv)", () => {
  it("loads with temp_max as the target and skips the text column `weather`", () => {
    const p = load({ name: "seattle-weather" });
    expect(p.meta.features).toEqual(["precipitation", "temp_max", "temp_min", "wind"]);
    expect(p.meta.target).toBe("temp_max");
    expect(p.meta.rows).toBe(1461);
    expect([p.meta.splits.train.rows, p.meta.splits.val.rows, p.meta.splits.test.rows]).toEqual([1022, 219, 220]);
    expect(largestSeqLen(p.meta)).toBe(218);
    checkWindowsFit(p, 120);
    const w = makeWindows(p, 30);
    const m = evaluateForecast(p, 30, "val", w.val.y);
    expect(m.valMae).toBeLessThan(1e-4);
    expect(m.naiveMae).toBeGreaterThan(1);
  });

  it("rejects `weather` when listed as a feature, naming the column and the line", () => {
    try {
      load({ name: "seattle-weather", features: ["temp_max", "weather"] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DatasetError);
      expect((e as DatasetError).message).toBe('data/seattle-weather.csv, column "weather", line 2: a feature column must be numeric, but got "drizzle"');
    }
  });
});

describe("readDatasetSource", () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperq-timeseries-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a user file relative to the spec's folder and hashes its bytes", () => {
    const text = "date\tv\n2020-01-01\t1\n";
    writeFileSync(join(dir, "mine.tsv"), text);
    const src = readDatasetSource(datasetSpecSchema.parse({ path: "mine.tsv", target: "v" }), dir);
    expect(src).toEqual({ text, file: join(dir, "mine.tsv"), warnings: [] });
    expect(contentHash(src.text)).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("names a file that cannot be read", () => {
    const spec = datasetSpecSchema.parse({ path: "absent.csv", target: "v" });
    expect(() => readDatasetSource(spec, dir)).toThrow(DatasetError);
    expect(() => readDatasetSource(spec, dir)).toThrow(`${join(dir, "absent.csv")}: the file must exist and be readable, but reading it failed (ENOENT)`);
  });

  it("prepares a TSV user file", () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${2000 + i}\t${i * 2}\t${Math.sin(i)}`);
    writeFileSync(join(dir, "years.tsv"), ["year\tv\tw", ...rows].join("\n"));
    const spec = datasetSpecSchema.parse({ path: "years.tsv", dateColumn: "year", target: "v" });
    const { text, file } = readDatasetSource(spec, dir);
    const p = prepareDataset(spec, text, file);
    expect(p.meta.features).toEqual(["v", "w"]);
    expect(p.meta.splits.test.lastDate).toBe("2039");
  });
});
