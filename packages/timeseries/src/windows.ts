import { DatasetError } from "./errors.ts";
import { SPLIT_NAMES, splitLabel, windowCount, type PreparedDataset, type SplitName } from "./prepare.ts";
import { scaleValue } from "./scaler.ts";
import { forwardTarget } from "./target-transform.ts";

/** The windows of one split, in time order. */
export interface WindowSet {
  /** Number of windows. */
  n: number;
  /** Inputs, scaled, row-major `n × seqLen × features`. */
  x: Float32Array;
  /** Model targets (transformed, then scaled), row-major `n × horizon`. */
  y: Float32Array;
  /**
   * Row (in the sorted series) of window 0's first input: window `i` reads rows
   * `firstRow + i … firstRow + i + seqLen - 1` of `prepared.scaled` and targets the `horizon`
   * rows after. An engine that can gather on the device builds `x` from that one buffer instead.
   */
  firstRow: number;
}

export interface Windows {
  seqLen: number;
  features: number;
  horizon: number;
  train: WindowSet;
  val: WindowSet;
  test: WindowSet;
}

const windowCache = new WeakMap<PreparedDataset, Map<number, Windows>>();
/**
 * Most recently used `seq_len`s kept per dataset. A search over seq_len 5..120 may try a hundred
 * values, and sp500 windows of seq_len 120 take 13 MiB, so the cache is bounded.
 */
const WINDOW_CACHE_ENTRIES = 4;

/**
 * The windows for one `seq_len`: `seq_len` past rows of every feature → the next `horizon` values
 * of the (transformed, scaled) target. A window belongs to the split that holds all of its rows,
 * inputs and targets alike, so none crosses a boundary: a split of `rows` rows gives
 * `rows - seqLen - horizon + 1` windows, and the first `seqLen` rows of validation and test are
 * inputs only. Cached per (prepared, seqLen) for the last few seqLens; callers must not write to
 * the arrays.
 *
 * @throws DatasetError when a split is too short for `seqLen` (see `checkWindowsFit`).
 */
export function makeWindows(prepared: PreparedDataset, seqLen: number): Windows {
  let perSeq = windowCache.get(prepared);
  if (perSeq === undefined) {
    perSeq = new Map();
    windowCache.set(prepared, perSeq);
  }
  const hit = perSeq.get(seqLen);
  if (hit !== undefined) {
    perSeq.delete(seqLen);
    perSeq.set(seqLen, hit);
    return hit;
  }
  const { meta } = prepared;
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new DatasetError({ file: meta.file, rule: `seq_len must be an integer ≥ 1, but got ${seqLen}` });
  const sets = {} as Record<SplitName, WindowSet>;
  for (const name of SPLIT_NAMES) {
    const split = meta.splits[name];
    const n = windowCount(split.rows, seqLen, meta.horizon);
    if (n < 1) {
      throw new DatasetError({
        file: meta.file,
        rule: `\`seq_len + horizon ≤ rows\` must hold in every split, but the ${splitLabel(name)} part has ${split.rows} rows and seq_len=${seqLen}, horizon=${meta.horizon} need ${seqLen + meta.horizon}`,
      });
    }
    sets[name] = buildSet(prepared, split.firstRow, n, seqLen);
  }
  const windows: Windows = { seqLen, features: meta.features.length, horizon: meta.horizon, train: sets.train, val: sets.val, test: sets.test };
  perSeq.set(seqLen, windows);
  for (const old of perSeq.keys()) {
    if (perSeq.size <= WINDOW_CACHE_ENTRIES) break;
    perSeq.delete(old);
  }
  return windows;
}

function buildSet(prepared: PreparedDataset, firstRow: number, n: number, seqLen: number): WindowSet {
  const { meta, scaled, target } = prepared;
  const f = meta.features.length;
  const horizon = meta.horizon;
  const block = seqLen * f;
  const x = new Float32Array(n * block);
  // Window i's inputs are one contiguous run of the row-major scaled matrix.
  for (let i = 0; i < n; i++) x.set(scaled.subarray((firstRow + i) * f, (firstRow + i) * f + block), i * block);
  const y = new Float32Array(n * horizon);
  for (let i = 0; i < n; i++) {
    const t = firstRow + i + seqLen - 1;
    const last = target[t] ?? 0;
    for (let h = 1; h <= horizon; h++) {
      y[i * horizon + h - 1] = scaleValue(meta.targetScaler, 0, forwardTarget(meta.targetTransform, target[t + h] ?? 0, last));
    }
  }
  return { n, x, y, firstRow };
}
