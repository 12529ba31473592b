/**
 * @hyperq/timeseries — datasets for HyperQ: CSV/TSV loading (the bundled series in `data/`, from
 * vega-datasets, and user files), chronological train/validation/test splits, scalers fitted on the training
 * part only, leakage-free windows per `seq_len`, and scores in original units against the naive
 * "tomorrow equals today" and training-mean forecasts.
 *
 * ```ts
 * import { datasetSpecSchema } from "@hyperq/protocol";
 * import { readDatasetSource, prepareDatasetCached, checkWindowsFit, makeWindows, evaluateForecast, mseScaled } from "@hyperq/timeseries";
 *
 * const spec = datasetSpecSchema.parse({ name: "sp500", targetTransform: "log-return" });
 * const { text, file } = readDatasetSource(spec, process.cwd());
 * const data = prepareDatasetCached(spec, text, file); // throws DatasetError on bad input
 * checkWindowsFit(data, 120);                           // before the sweep: the largest seq_len fits
 * const w = makeWindows(data, 20);                      // w.train.x: n × 20 × 6, w.train.y: n × 1
 * const predictions = model.predict(w.val.x);           // scaled, n × horizon
 * const valLoss = mseScaled(w.val.y, predictions);
 * const { valMae, naiveMae, maeRatio } = evaluateForecast(data, 20, "val", predictions);
 * ```
 */
export { DatasetError } from "./errors.ts";
export { readDatasetSource, contentHash, bundledDatasetPath, BUNDLED_DATASET_FILES } from "./source.ts";
export { parseDelimited } from "./csv.ts";
export type { DelimitedTable } from "./csv.ts";
export {
  prepareDataset,
  prepareDatasetCached,
  preparedCacheKey,
  clearPreparedCache,
  checkWindowsFit,
  largestSeqLen,
  windowCount,
  SPLIT_NAMES,
} from "./prepare.ts";
export type { PreparedDataset, DatasetMeta, SplitInfo, SplitName } from "./prepare.ts";
export type { ScalerParams } from "./scaler.ts";
export { makeWindows } from "./windows.ts";
export type { Windows, WindowSet } from "./windows.ts";
export { evaluateForecast, inverseForecast, mseScaled } from "./metrics.ts";
export type { ForecastMetrics } from "./metrics.ts";
