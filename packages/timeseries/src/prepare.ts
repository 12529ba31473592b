import type { DatasetSpec, MissingPolicy, TargetTransform } from "@hyperq/protocol";
import { readColumns } from "./csv.ts";
import { DatasetError } from "./errors.ts";
import { fitColumn, type ScalerParams } from "./scaler.ts";
import { contentHash } from "./source.ts";
import { buildSeries, resolveColumns } from "./table.ts";
import { forwardTarget } from "./target-transform.ts";
import { resolveSeason, type Season } from "./baselines/season.ts";

/** The three chronological parts, in time order. */
export type SplitName = "train" | "val" | "test";
export const SPLIT_NAMES: readonly SplitName[] = ["train", "val", "test"];

/** One chronological part of the cleaned, sorted series. */
export interface SplitInfo {
  /** Rows in this part. */
  rows: number;
  /** Index of its first row in the sorted series (rows `firstRow … firstRow + rows - 1`). */
  firstRow: number;
  /** Date cells of its first and last rows, as written in the file. */
  firstDate: string;
  lastDate: string;
}

/**
 * What was prepared, as plain JSON: store it with a trial to know which columns, split and
 * scaling produced its figures, and to map scaled predictions back to original units.
 */
export interface DatasetMeta {
  file: string;
  /** sha256 of the file text (see {@link contentHash}). */
  contentHash: string;
  dateColumn: string;
  features: string[];
  target: string;
  targetTransform: TargetTransform;
  /** How input features were made relative to their previous value (see `DatasetSpec.featureTransform`). */
  featureTransform: TargetTransform;
  horizon: number;
  missing: MissingPolicy;
  /** Rows after cleaning (all three parts). */
  rows: number;
  /** Rows removed by `missing: drop`. */
  droppedRows: number;
  /** Cells filled by `missing: ffill`. */
  filledValues: number;
  splits: Record<SplitName, SplitInfo>;
  /** Per feature column, fitted on the training rows only. */
  featureScaler: ScalerParams;
  /**
   * For the model target (one column), fitted on the training part only: for `raw`, the target
   * column over the training rows; for a relative transform, every transformed value
   * `T(y[t+h], y[t])`, `1 ≤ h ≤ horizon`, whose rows `t` and `t+h` both lie in the training part.
   */
  targetScaler: ScalerParams;
  /** Mean of the target column over the training rows, original units (the mean baseline). */
  targetMean: number;
  /**
   * Season length of the target for the seasonal naive baseline: the spec's `season`, or detected
   * from the autocorrelation of the training rows' target (its one-step changes under a relative
   * target transform), or none.
   */
  season: Season;
}

/**
 * A dataset ready for windowing. Rows are sorted by date; `values` and `scaled` are row-major
 * `rows × features.length`. Immutable by contract: it is shared across trials (see
 * {@link prepareDatasetCached}).
 */
export interface PreparedDataset {
  readonly meta: DatasetMeta;
  /** Sort key per row: epoch ms (UTC) for dates, the value for integer time steps. */
  readonly dates: Float64Array;
  readonly dateLabels: readonly string[];
  /** 1-based file line of each row. */
  readonly lines: Int32Array;
  /** Features in original units. */
  readonly values: Float64Array;
  /** Features scaled by `meta.featureScaler`: the one buffer every window's inputs are cut from. */
  readonly scaled: Float32Array;
  /** Target column in original units. */
  readonly target: Float64Array;
}

/**
 * Parses `text`, validates it against `spec`, sorts by date, applies the missing-value policy,
 * splits chronologically and fits the scalers on the training rows. Pure given its arguments.
 *
 * Split semantics: with `n` clean rows, the training part is the first `floor(n · train)` rows,
 * validation the next `floor(n · validation)`, test the rest. A window of `seq_len` inputs and
 * `horizon` targets belongs to the part that holds all of its rows (see `makeWindows`).
 *
 * @throws DatasetError naming the file, column and line for every bad input.
 */
export function prepareDataset(spec: DatasetSpec, text: string, file: string): PreparedDataset {
  const hash = contentHash(text);
  if (spec.contentHash !== undefined && spec.contentHash !== hash) {
    throw new DatasetError({ file, rule: `the file's sha256 must equal the spec's \`contentHash\` ${spec.contentHash}, but it is ${hash} (the file changed since the sweep was launched)` });
  }
  const table = readColumns(text, file, { textColumns: [spec.dateColumn ?? "date"] });
  if (table.rowCount === 0) throw new DatasetError({ file, rule: "the file must have data rows below its header, but it has only the header (line 1)" });
  const cols = resolveColumns(spec, table, file);
  const series = buildSeries(table, cols, spec.missing, file);
  const n = series.dates.length;
  const y = series.columns.get(cols.target) as Float64Array;
  checkTargetDomain(spec.targetTransform, y, series.lines, cols.target, file);

  const horizon = spec.horizon;
  const nTrain = Math.floor(n * spec.split.train + 1e-9);
  const nVal = Math.floor(n * spec.split.validation + 1e-9);
  const counts: Record<SplitName, number> = { train: nTrain, val: nVal, test: n - nTrain - nVal };
  const splits = {} as Record<SplitName, SplitInfo>;
  let first = 0;
  for (const name of SPLIT_NAMES) {
    const rows = counts[name];
    if (rows < horizon + 1) {
      throw new DatasetError({
        file,
        rule: `every split needs at least seq_len + horizon rows (seq_len ≥ 1, horizon=${horizon}), but the ${splitLabel(name)} part has ${rows} of the ${n} rows (split ${spec.split.train}/${spec.split.validation}/rest)`,
      });
    }
    splits[name] = { rows, firstRow: first, firstDate: series.dateLabels[first] ?? "", lastDate: series.dateLabels[first + rows - 1] ?? "" };
    first += rows;
  }

  const f = cols.features.length;
  const values = new Float64Array(n * f);
  const scaled = new Float32Array(n * f);
  const featureScaler: ScalerParams = { kind: spec.scaler, columns: [...cols.features], offset: [], scale: [] };
  cols.features.forEach((name, c) => {
    const col = series.columns.get(name) as Float64Array;
    const input = relativeFeature(spec.featureTransform, col, series.lines, name, file);
    // Row 0 has no past under a relative transform: the scaler is fitted on rows 1… of training.
    const fit = fitColumn(spec.scaler, input.subarray(spec.featureTransform === "raw" ? 0 : 1, nTrain));
    featureScaler.offset.push(fit.offset);
    featureScaler.scale.push(fit.scale);
    for (let r = 0; r < n; r++) {
      values[r * f + c] = col[r] ?? 0;
      scaled[r * f + c] = ((input[r] ?? 0) - fit.offset) / fit.scale;
    }
  });

  const targetFit = fitColumn(spec.scaler, trainingTargets(spec.targetTransform, y, nTrain, horizon));
  const targetScaler: ScalerParams = {
    kind: spec.scaler,
    columns: [spec.targetTransform === "raw" ? cols.target : `${spec.targetTransform}(${cols.target})`],
    offset: [targetFit.offset],
    scale: [targetFit.scale],
  };
  let mean = 0;
  for (let r = 0; r < nTrain; r++) mean += y[r] ?? 0;
  mean /= nTrain;
  if (spec.season !== undefined && spec.season >= nTrain) {
    throw new DatasetError({ file, rule: `\`season\` must be shorter than the training part (${nTrain} rows), but got season=${spec.season}` });
  }
  const season = resolveSeason(spec.season, seasonSeries(spec.targetTransform, y, nTrain));

  return {
    meta: {
      file,
      contentHash: hash,
      dateColumn: cols.dateColumn,
      features: [...cols.features],
      target: cols.target,
      targetTransform: spec.targetTransform,
      featureTransform: spec.featureTransform,
      horizon,
      missing: spec.missing,
      rows: n,
      droppedRows: series.droppedRows,
      filledValues: series.filledValues,
      splits,
      featureScaler,
      targetScaler,
      targetMean: mean,
      season,
    },
    dates: series.dates,
    dateLabels: series.dateLabels,
    lines: series.lines,
    values,
    scaled,
    target: y,
  };
}

export function splitLabel(name: SplitName): string {
  return name === "val" ? "validation" : name;
}

/**
 * A feature column as the model reads it: raw, or each value relative to the one before it
 * (x_t ↦ T(x_t, x_{t-1})). Row 0, with no past, reads as "no change" (the transform of x_0 against
 * itself). Throws on values the transform cannot take, naming the column and line.
 */
export function relativeFeature(transform: TargetTransform, col: Float64Array, lines: Int32Array, column: string, file: string): Float64Array {
  if (transform === "raw") return col;
  const out = new Float64Array(col.length);
  for (let r = 0; r < col.length; r++) {
    const v = col[r] ?? 0;
    const prev = r === 0 ? v : (col[r - 1] ?? 0);
    if ((transform === "log-return" && !(v > 0)) || (transform === "pct-change" && prev === 0)) {
      const need = transform === "log-return" ? "positive" : "non-zero";
      throw new DatasetError({ file, column, row: lines[r], rule: `\`featureTransform: ${transform}\` needs ${need} values in every feature, but got ${transform === "log-return" ? v : prev}; use \`diff\` or \`raw\`` });
    }
    out[r] = forwardTarget(transform, v, prev);
  }
  return out;
}

function checkTargetDomain(transform: TargetTransform, y: Float64Array, lines: Int32Array, column: string, file: string): void {
  if (transform !== "pct-change" && transform !== "log-return") return;
  for (let r = 0; r < y.length; r++) {
    const v = y[r] ?? 0;
    const bad = transform === "log-return" ? !(v > 0) : v === 0;
    if (bad) {
      const need = transform === "log-return" ? "positive" : "non-zero";
      throw new DatasetError({ file, column, row: lines[r], rule: `\`targetTransform: ${transform}\` needs ${need} target values, but got ${v}; use \`diff\` or \`raw\`` });
    }
  }
}

/** The values the target scaler is fitted on: model targets computable from training rows alone. */
function trainingTargets(transform: TargetTransform, y: Float64Array, nTrain: number, horizon: number): Float64Array {
  if (transform === "raw") return y.subarray(0, nTrain);
  const out: number[] = [];
  for (let t = 0; t < nTrain; t++) {
    for (let h = 1; h <= horizon && t + h < nTrain; h++) out.push(forwardTarget(transform, y[t + h] ?? 0, y[t] ?? 0));
  }
  return Float64Array.from(out);
}

/**
 * The training rows' target as the model predicts it, for season detection: the values for `raw`,
 * the one-step changes T(y[t], y[t-1]) otherwise (a price's level has no season, its returns might).
 */
function seasonSeries(transform: TargetTransform, y: Float64Array, nTrain: number): Float64Array {
  if (transform === "raw") return y.subarray(0, nTrain);
  const out = new Float64Array(Math.max(0, nTrain - 1));
  for (let t = 1; t < nTrain; t++) out[t - 1] = forwardTarget(transform, y[t] ?? 0, y[t - 1] ?? 0);
  return out;
}

/** Most recently used prepared datasets, by {@link preparedCacheKey}. */
const cache = new Map<string, PreparedDataset>();
/** Enough for a worker that alternates between a few sweeps; each entry holds a few MB at most. */
const CACHE_ENTRIES = 8;

/** sha256 of the spec (keys sorted) and the file content: equal keys, equal prepared data. */
export function preparedCacheKey(spec: DatasetSpec, text: string): string {
  return contentHash(`${stableJson(spec)}\n${contentHash(text)}`);
}

/**
 * {@link prepareDataset}, memoized per process by {@link preparedCacheKey}: a worker prepares each
 * dataset once and reuses it across trials. Errors are not cached.
 */
export function prepareDatasetCached(spec: DatasetSpec, text: string, file: string): PreparedDataset {
  const key = preparedCacheKey(spec, text);
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const prepared = prepareDataset(spec, text, file);
  cache.set(key, prepared);
  for (const old of cache.keys()) {
    if (cache.size <= CACHE_ENTRIES) break;
    cache.delete(old);
  }
  return prepared;
}

/** Empties the per-process cache (tests, or a worker that wants its memory back). */
export function clearPreparedCache(): void {
  cache.clear();
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Windows a part of `rows` rows holds for one `seq_len`. */
export function windowCount(rows: number, seqLen: number, horizon: number): number {
  return Math.max(0, rows - seqLen - horizon + 1);
}

/**
 * Checks, before a sweep starts, that every part (train, validation, test) holds at least one
 * window for the largest `seq_len` the search may try (`seq_len + horizon ≤ rows` per part).
 *
 * @throws DatasetError naming the file, the part and the rule.
 */
export function checkWindowsFit(prepared: PreparedDataset, maxSeqLen: number): void {
  const { meta } = prepared;
  if (!Number.isInteger(maxSeqLen) || maxSeqLen < 1) {
    throw new DatasetError({ file: meta.file, rule: `seq_len must be an integer ≥ 1, but got ${maxSeqLen}` });
  }
  for (const name of SPLIT_NAMES) {
    const { rows } = meta.splits[name];
    if (windowCount(rows, maxSeqLen, meta.horizon) < 1) {
      throw new DatasetError({
        file: meta.file,
        rule: `\`seq_len + horizon ≤ rows\` must hold in every split, but the ${splitLabel(name)} part has ${rows} rows and seq_len=${maxSeqLen}, horizon=${meta.horizon} need ${maxSeqLen + meta.horizon} (the largest seq_len that fits is ${largestSeqLen(meta)})`,
      });
    }
  }
}

/** The largest `seq_len` that leaves at least one window in every split. */
export function largestSeqLen(meta: DatasetMeta): number {
  return Math.min(...SPLIT_NAMES.map((s) => meta.splits[s].rows)) - meta.horizon;
}
