import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_HYPERPARAMS, datasetSpecSchema, type Hyperparams } from "@hyperq/protocol";
import { buildModel, evaluate, initBackend } from "@hyperq/models";
import { inverseForecast, makeWindows, prepareDataset } from "@hyperq/timeseries";
import { loadForecaster, readModelFolder, writeModelFolder } from "./model-folder.ts";
import { packModel, type ModelPackage } from "./manifest.ts";

/** A small series with a trend and a cycle: date, a (the target), b. */
function csv(rows: number, drop: string[] = []): string {
  const cols = ["date", "a", "b"].filter((c) => !drop.includes(c));
  const lines = [cols.join(",")];
  for (let i = 0; i < rows; i++) {
    const d = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const v: Record<string, string> = { date: d, a: (100 + i * 0.5 + 10 * Math.sin(i / 5)).toFixed(4), b: (50 + 5 * Math.cos(i / 3)).toFixed(4) };
    lines.push(cols.map((c) => v[c]).join(","));
  }
  return `${lines.join("\n")}\n`;
}

const spec = datasetSpecSchema.parse({ path: "series.csv", target: "a", targetTransform: "log-return", featureTransform: "diff" });
const text = csv(200);
const prepared = prepareDataset(spec, text, "series.csv");
const hp: Hyperparams = { ...DEFAULT_HYPERPARAMS, variant: "multi", hidden_size: 6, num_layers: 2, seq_len: 10 };
let pkg: ModelPackage;
let scaledVal: Float32Array;
const dir = mkdtempSync(join(tmpdir(), "hq-model-"));

beforeAll(async () => {
  await initBackend("cpu");
  const model = buildModel({ variant: "multi", inputSize: 2, hiddenSize: 6, numLayers: 2, dropout: 0.1, horizon: 1 }, 42);
  const w = makeWindows(prepared, hp.seq_len);
  scaledVal = evaluate(model, w.val, w.seqLen, w.features, w.horizon).predictions;
  pkg = packModel({ sweepId: "s", trial: 3, hyperparams: hp, data: prepared.meta, scores: { valLoss: 1, valMae: 1, bestEpoch: 1 }, weights: model.getWeights() });
  model.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("model folders", () => {
  it("round-trips and forecasts the validation windows exactly as the model did, in original units", async () => {
    const out = join(dir, "m1");
    writeModelFolder(out, pkg);
    expect(readdirSync(out).sort()).toEqual(["manifest.json", "weights.bin"]);
    const back = readModelFolder(out);
    expect(back.manifest).toEqual(pkg.manifest);
    expect(Buffer.compare(Buffer.from(back.weights), Buffer.from(pkg.weights))).toBe(0);

    const f = await loadForecaster(out);
    const forecasts = f.predictCsv(text, "series.csv");
    const { train, val } = prepared.meta.splits;
    expect(forecasts).toHaveLength(prepared.meta.rows - hp.seq_len + 1);
    // Row r is forecast by the window ending at r - 1, i.e. forecasts[r - seq_len].
    const fromFolder = [];
    for (let r = train.rows + hp.seq_len; r < train.rows + val.rows; r++) fromFolder.push(forecasts[r - hp.seq_len]!);
    const expected = inverseForecast(prepared, hp.seq_len, "val", scaledVal);
    expect(fromFolder.map((x) => x.forecast)).toHaveLength(expected.length);
    fromFolder.forEach((x, i) => expect(x.forecast).toBeCloseTo(expected[i]!, 9));
    expect(fromFolder[0]!.date).toBe(prepared.dateLabels[train.rows + hp.seq_len]);
    expect(fromFolder[0]!.actual).toBe(prepared.target[train.rows + hp.seq_len]);
    // The last window forecasts the day after the file's last date.
    expect(forecasts.at(-1)!.date).toBe("2020-07-19");
    expect(forecasts.at(-1)!.actual).toBeUndefined();
    // The API on row objects (any order) gives the same forecasts as the CSV.
    const rows = text.trim().split("\n").slice(1).map((l) => {
      const [date, a, b] = l.split(",");
      return { b: Number(b), date: date!, a: Number(a) };
    });
    expect(f.predict(rows.reverse()).map((x) => x.forecast)).toEqual(forecasts.map((x) => x.forecast));
    f.dispose();
  });

  it("refuses a folder that exists and is not empty, writing nothing", () => {
    const out = join(dir, "busy");
    mkdirSync(out);
    writeFileSync(join(out, "keep.txt"), "mine");
    expect(() => writeModelFolder(out, pkg)).toThrow(/busy exists and is not empty/);
    expect(readdirSync(out)).toEqual(["keep.txt"]);
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });

  it("names what is wrong with an incomplete folder, another format version or truncated weights", async () => {
    const out = join(dir, "m2");
    writeModelFolder(out, pkg);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Record<string, unknown>;

    rmSync(join(out, "weights.bin"));
    await expect(loadForecaster(out)).rejects.toThrow(/m2 is not a complete model folder: weights.bin is missing/);
    writeFileSync(join(out, "weights.bin"), pkg.weights.subarray(0, 100));
    await expect(loadForecaster(out)).rejects.toThrow(new RegExp(`weights.bin must hold ${pkg.weights.byteLength} bytes .* but has 100`));
    writeFileSync(join(out, "weights.bin"), pkg.weights);

    writeFileSync(join(out, "manifest.json"), JSON.stringify({ ...manifest, formatVersion: 2, hyperqVersion: "9.0.0" }));
    await expect(loadForecaster(out)).rejects.toThrow(/manifest.json: formatVersion must be 1, but got 2 \(written by HyperQ 9.0.0\)/);
    writeFileSync(join(out, "manifest.json"), JSON.stringify({ ...manifest, targetTransform: "cube" }));
    await expect(loadForecaster(out)).rejects.toThrow(/manifest.json: targetTransform: /);
    writeFileSync(join(out, "manifest.json"), "{ not json");
    await expect(loadForecaster(out)).rejects.toThrow(/manifest.json is not valid JSON/);
    await expect(loadForecaster(join(dir, "nowhere"))).rejects.toThrow(/nowhere is not a folder/);
  });

  it("names the column a CSV lacks", async () => {
    const out = join(dir, "m3");
    writeModelFolder(out, pkg);
    const f = await loadForecaster(out);
    expect(() => f.predictCsv(csv(50, ["b"]), "new.csv")).toThrow(/new.csv, column "b": the model needs this column \(a feature it was trained on\)/);
    expect(() => f.predictCsv(csv(5), "short.csv")).toThrow(/seq_len=10 rows, but the file has 5/);
    f.dispose();
  });
});
