import { z } from "zod";

/** Datasets shipped with HyperQ (in `packages/timeseries/data/`, copied from the npm package `vega-datasets`). */
export const BUNDLED_DATASETS = ["sp500", "seattle-weather"] as const;
export type BundledDatasetName = (typeof BUNDLED_DATASETS)[number];

/**
 * What the model predicts from the target column `y`:
 * - `raw`: y[t+h] itself;
 * - `diff`: y[t+h] - y[t] (relative to the last observed value);
 * - `pct-change`: y[t+h] / y[t] - 1;
 * - `log-return`: ln(y[t+h] / y[t]).
 * Relative targets are well posed for price series whose level later leaves the training range.
 * Predictions are always mapped back to `y` for the MAE/RMSE in original units.
 */
export const TARGET_TRANSFORMS = ["raw", "diff", "pct-change", "log-return"] as const;
export type TargetTransform = (typeof TARGET_TRANSFORMS)[number];

export const MISSING_POLICIES = ["reject", "ffill", "drop"] as const;
export type MissingPolicy = (typeof MISSING_POLICIES)[number];

export const SCALERS = ["standard", "minmax"] as const;
export type ScalerKind = (typeof SCALERS)[number];

export const datasetSpecSchema = z
  .strictObject({
    /** A bundled dataset. Exactly one of `name` and `path`. */
    name: z.enum(BUNDLED_DATASETS).optional(),
    /** A CSV or TSV file; relative paths are relative to the spec file. */
    path: z.string().min(1).optional(),
    /** Date column: parsed, sorted; duplicates are rejected. @defaultValue "date" */
    dateColumn: z.string().min(1).optional(),
    /** Input feature columns. @defaultValue every numeric column */
    features: z.array(z.string().min(1)).min(1, "`features` needs at least one column").optional(),
    /** Column to forecast. @defaultValue "close" for sp500, "temp_max" for seattle-weather */
    target: z.string().min(1).optional(),
    targetTransform: z.enum(TARGET_TRANSFORMS).default("raw"),
    /**
     * Applied to every input feature: x_t becomes T(x_t, x_{t-1}) with the same transforms as the
     * target (`diff`, `pct-change`, `log-return`), so inputs, like relative targets, stay in the
     * range the scaler saw in training when a price level drifts away. Uses only the past.
     * @defaultValue "raw"
     */
    featureTransform: z.enum(TARGET_TRANSFORMS).default("raw"),
    missing: z.enum(MISSING_POLICIES).default("reject"),
    /** Chronological fractions; the test part is the rest. @defaultValue 0.7 / 0.15 */
    split: z
      .strictObject({
        train: z.number().gt(0).lt(1).default(0.7),
        validation: z.number().gt(0).lt(1).default(0.15),
      })
      .refine((s) => s.train + s.validation < 1, { message: "`train + validation < 1` must hold (the rest is the test part)" })
      .default({ train: 0.7, validation: 0.15 }),
    scaler: z.enum(SCALERS).default("standard"),
    /**
     * Season length in rows (12 for monthly data with a yearly cycle, 7 for daily data with a
     * weekly one), for the seasonal naive baseline. @defaultValue detected from the training
     * part's autocorrelation; none when no clear peak
     */
    season: z.number().int().min(2, "`season` must be an integer ≥ 2 (rows per cycle)").optional(),
    /** Steps ahead to forecast (the model's output size). @defaultValue 1 */
    horizon: z.number().int().min(1).max(365).default(1),
    /** sha256 of the file's bytes; set by `hyperq sweep launch`, which stores the file in Redis. */
    contentHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  })
  .refine((d) => (d.name === undefined) !== (d.path === undefined), {
    message: "exactly one of `name` (a bundled dataset) and `path` (a CSV file) must be given",
  });

export type DatasetSpec = z.output<typeof datasetSpecSchema>;
export type DatasetSpecInput = z.input<typeof datasetSpecSchema>;
