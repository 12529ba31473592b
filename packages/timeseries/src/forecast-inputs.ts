import type { MissingPolicy, TargetTransform } from "@hyperq/protocol";
import { columnsOfTable, type DelimitedTable } from "./csv.ts";
import { DatasetError } from "./errors.ts";
import { relativeFeature } from "./prepare.ts";
import type { ScalerParams } from "./scaler.ts";
import { buildSeries } from "./table.ts";

/** How a trained model reads its inputs: the columns and the transforms and scalers it was trained with. */
export interface InputRecipe {
  dateColumn: string;
  /** Input columns in the model's order. */
  features: readonly string[];
  target: string;
  featureTransform: TargetTransform;
  missing: MissingPolicy;
  /** Fitted on the training part of the data the model was trained on (never refitted here). */
  featureScaler: ScalerParams;
}

/** New rows, cleaned and sorted by date, scaled as the model's training inputs were. */
export interface ForecastInputs {
  rows: number;
  /** Sort key per row: epoch ms (UTC) for dates, the value for integer time steps. */
  dates: Float64Array;
  /** Date cells as written. */
  dateLabels: readonly string[];
  /** Row-major `rows × features`, each feature transformed then scaled with the recipe's scaler. */
  scaled: Float32Array;
  /** Target column in original units (what relative forecasts are applied to). */
  target: Float64Array;
}

/**
 * Reads new rows for a trained model: checks that every column it needs is there, sorts by date,
 * applies its missing-value policy, then its feature transform and train-fitted scaler — the same
 * arithmetic as `prepareDataset`, so the rows of the training file give the training inputs bit
 * for bit.
 *
 * @throws DatasetError naming the file, the missing or bad column and the line.
 */
export function prepareForecastInputs(recipe: InputRecipe, table: DelimitedTable, file: string): ForecastInputs {
  const has = new Set(table.header);
  const needed: [string, string][] = [[recipe.dateColumn, "the date column"], ...recipe.features.map((f): [string, string] => [f, "a feature"]), [recipe.target, "the target"]];
  for (const [column, role] of needed) {
    if (!has.has(column)) {
      throw new DatasetError({ file, column, rule: `the model needs this column (${role} it was trained on), but the file has no such column; its columns are ${table.header.map((h) => `"${h}"`).join(", ")}` });
    }
  }
  const series = buildSeries(columnsOfTable(table, file, { textColumns: [recipe.dateColumn] }), { dateColumn: recipe.dateColumn, features: [...recipe.features], target: recipe.target }, recipe.missing, file);
  const n = series.dates.length;
  const f = recipe.features.length;
  const scaled = new Float32Array(n * f);
  recipe.features.forEach((name, c) => {
    const input = relativeFeature(recipe.featureTransform, series.columns.get(name) as Float64Array, series.lines, name, file);
    const offset = recipe.featureScaler.offset[c] ?? 0;
    const scale = recipe.featureScaler.scale[c] ?? 1;
    for (let r = 0; r < n; r++) scaled[r * f + c] = ((input[r] ?? 0) - offset) / scale;
  });
  return { rows: n, dates: series.dates, dateLabels: series.dateLabels, scaled, target: series.columns.get(recipe.target) as Float64Array };
}
