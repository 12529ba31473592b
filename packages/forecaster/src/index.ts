/**
 * @hyperq/forecaster — trained models out of a sweep: packing a trial's best weights with its data
 * recipe (columns, transforms, train-fitted scalers, versions), exported model folders
 * (`manifest.json` + `weights.bin`) and forecasting with them, without Redis.
 *
 * ```ts
 * import { loadForecaster } from "@hyperq/forecaster";
 * const forecaster = await loadForecaster("./best-model");        // a folder `hyperq model export` wrote
 * const forecasts = forecaster.predict(rows);                      // rows: { date, ...training columns }
 * // → [{ date: "2024-01-03", forecast: 4742.8, actual: 4704.8 }, ...] in the target's original units
 * ```
 */
export { Forecaster } from "./forecaster.ts";
export type { Forecast, InputRow } from "./forecaster.ts";
export { packModel, checkManifest } from "./manifest.ts";
export type { ModelPackage, PackModelInput } from "./manifest.ts";
export { writeModelFolder, readModelFolder, loadForecaster, MANIFEST_FILE } from "./model-folder.ts";
export { encodeWeights, decodeWeights, weightBytes } from "./weights.ts";
export { ModelFolderError } from "./errors.ts";
export { HYPERQ_VERSION, TFJS_VERSION } from "./version.ts";
