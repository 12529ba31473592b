import { datasetSpecSchema, TARGET_TRANSFORMS, type DatasetSpecInput } from "@hyperq/protocol";
import { describe, expect, it } from "vitest";
import { largestSeqLen, prepareDataset, SPLIT_NAMES } from "./prepare.ts";
import { unscaleValue } from "./scaler.ts";
import { makeWindows } from "./windows.ts";

const FILE = "tiny.csv";
/** Day r (1..20): a = r, b = r². Feature `a` names the row, so decoded inputs show which rows a window read. */
const TEXT = ["date,a,b", ...Array.from({ length: 20 }, (_, i) => `2020-01-${String(i + 1).padStart(2, "0")},${i + 1},${(i + 1) ** 2}`)].join("\n");
const prepare = (input: Omit<DatasetSpecInput, "path"> = {}) =>
  prepareDataset(datasetSpecSchema.parse({ path: FILE, target: "a", scaler: "minmax", split: { train: 0.6, validation: 0.2 }, ...input }), TEXT, FILE);
const f32 = (v: number[]) => Array.from(Float32Array.from(v));

describe("makeWindows", () => {
  it("cuts seq_len rows of every feature and the next target, per split (exact contents)", () => {
    const p = prepare();
    // Train rows: days 1..12, minmax offsets [1, 1], scales [11, 143].
    const w = makeWindows(p, 2);
    expect([w.seqLen, w.features, w.horizon]).toEqual([2, 2, 1]);
    expect([w.train.n, w.val.n, w.test.n]).toEqual([10, 2, 2]);
    expect(Array.from(w.train.x.subarray(0, 8))).toEqual(f32([0 / 11, 0 / 143, 1 / 11, 3 / 143, 1 / 11, 3 / 143, 2 / 11, 8 / 143]));
    expect(Array.from(w.train.y)).toEqual(f32(Array.from({ length: 10 }, (_, i) => (i + 2) / 11)));
    // Validation holds days 13..16: windows (13, 14) → 15 and (14, 15) → 16.
    expect(w.val.firstRow).toBe(12);
    expect(Array.from(w.val.x)).toEqual(f32([12 / 11, 168 / 143, 13 / 11, 195 / 143, 13 / 11, 195 / 143, 14 / 11, 224 / 143]));
    expect(Array.from(w.val.y)).toEqual(f32([14 / 11, 15 / 11]));
    // Test holds days 17..20: targets 19 and 20.
    expect(w.test.firstRow).toBe(16);
    expect(Array.from(w.test.y)).toEqual(f32([18 / 11, 19 / 11]));
  });

  it("targets a relative transform over the horizon, relative to the window's last value", () => {
    const p = prepare({ target: "b", targetTransform: "diff", horizon: 2, split: { train: 0.5, validation: 0.25 } });
    const { offset, scale } = p.meta.targetScaler;
    const w = makeWindows(p, 3);
    // Window 0 reads days 1..3 (b = 9 last) and targets days 4, 5: diffs 16 - 9, 25 - 9.
    expect(Array.from(w.train.y.subarray(0, 2))).toEqual(f32([(7 - offset[0]!) / scale[0]!, (16 - offset[0]!) / scale[0]!]));
    expect([w.train.n, w.val.n, w.test.n]).toEqual([6, 1, 1]);
  });

  it("never lets a window's inputs or targets cross a split boundary", () => {
    for (const horizon of [1, 2]) {
      const p = prepare({ horizon, split: { train: 0.5, validation: 0.25 } });
      for (let seqLen = 1; seqLen <= largestSeqLen(p.meta); seqLen++) {
        const w = makeWindows(p, seqLen);
        for (const name of SPLIT_NAMES) {
          const { firstRow, rows } = p.meta.splits[name];
          const firstDay = firstRow + 1;
          const lastDay = firstRow + rows;
          const set = w[name];
          expect(set.n).toBe(rows - seqLen - horizon + 1);
          for (let i = 0; i < set.n; i++) {
            // Decode the days a window reads (feature a) and targets (raw a).
            for (let s = 0; s < seqLen; s++) {
              const day = Math.round(unscaleValue(p.meta.featureScaler, 0, set.x[(i * seqLen + s) * 2]!));
              expect(day).toBeGreaterThanOrEqual(firstDay);
              expect(day).toBeLessThanOrEqual(lastDay);
            }
            for (let h = 0; h < horizon; h++) {
              const day = Math.round(unscaleValue(p.meta.targetScaler, 0, set.y[i * horizon + h]!));
              expect(day).toBeGreaterThan(firstDay + seqLen - 2);
              expect(day).toBeLessThanOrEqual(lastDay);
            }
          }
        }
        // Every training window's last target comes before the first validation target.
        const lastTrainTarget = w.train.firstRow + w.train.n - 1 + seqLen - 1 + horizon;
        const firstValTarget = w.val.firstRow + seqLen;
        expect(lastTrainTarget).toBeLessThan(p.meta.splits.val.firstRow);
        expect(lastTrainTarget).toBeLessThan(firstValTarget);
      }
    }
  });

  it("caches per (prepared, seq_len)", () => {
    const p = prepare();
    expect(makeWindows(p, 2)).toBe(makeWindows(p, 2));
    expect(makeWindows(p, 3)).not.toBe(makeWindows(p, 2));
    expect(makeWindows(prepare(), 2)).not.toBe(makeWindows(p, 2));
    // Bounded: the least recently used seq_len goes first.
    const wide = prepare({ split: { train: 0.4, validation: 0.3 } });
    const two = makeWindows(wide, 2);
    for (const seqLen of [1, 3, 4]) makeWindows(wide, seqLen);
    expect(makeWindows(wide, 2)).toBe(two);
    for (const seqLen of [1, 3, 4, 5]) makeWindows(wide, seqLen);
    expect(makeWindows(wide, 2)).not.toBe(two);
  });

  it("gives finite targets for every transform", () => {
    for (const targetTransform of TARGET_TRANSFORMS) {
      const w = makeWindows(prepare({ targetTransform, horizon: 2 }), 2);
      expect(w.train.y.every(Number.isFinite)).toBe(true);
      expect(w.test.y.every(Number.isFinite)).toBe(true);
    }
  });
});
