import { buildModel, evaluate, initBackend, type SequenceModel } from "@hyperq/models";
import type { ModelManifest } from "@hyperq/protocol";
import { DatasetError, inverseTarget, parseDelimited, prepareForecastInputs, unscaleValue, type DelimitedTable, type ForecastInputs } from "@hyperq/timeseries";
import { ModelFolderError } from "./errors.ts";
import { checkManifest, type ModelPackage } from "./manifest.ts";
import { decodeWeights } from "./weights.ts";

/** One one-step forecast in the target column's original units. */
export interface Forecast {
  /** The date forecast: the row after the window (for the last window, one step after the last date). */
  date: string;
  /** The forecast value of the target column there. */
  forecast: number;
  /** The target's actual value on that date when the input has it (not for the last window). */
  actual?: number;
}

/** A row of the training columns, by column name (`date`, features, target). */
export type InputRow = Record<string, string | number>;

/**
 * A trained model with its data recipe: reads rows with the training columns, makes every window
 * of `seqLen` consecutive rows and forecasts the step after each, in original units.
 */
export class Forecaster {
  private constructor(
    readonly manifest: ModelManifest,
    private readonly model: SequenceModel,
  ) {}

  /**
   * A forecaster from a model package (the store's or a folder's). Loads a tfjs backend if none is.
   *
   * @throws ModelFolderError when the manifest or the weights are unusable.
   */
  static async fromPackage(pkg: ModelPackage, source: string): Promise<Forecaster> {
    const manifest = checkManifest(pkg.manifest, `${source} manifest`);
    const weights = decodeWeights(manifest.weights, pkg.weights, `${source} weights`);
    await initBackend();
    const hp = manifest.hyperparams;
    const model = buildModel(
      {
        variant: manifest.variant,
        inputSize: manifest.features.length,
        hiddenSize: Number(hp.hidden_size),
        numLayers: Number(hp.num_layers),
        dropout: Number(hp.dropout ?? 0),
        horizon: manifest.horizon,
        ...(typeof hp.bidirectional_head === "string" ? { bidirectionalHead: hp.bidirectional_head as "final-states" | "last-step" } : {}),
      },
      0,
    );
    try {
      model.setWeights(weights);
    } catch (e) {
      model.dispose();
      throw new ModelFolderError(`${source}: the weights do not fit a ${manifest.variant} model of these hyperparameters (${(e as Error).message})`, e);
    }
    return new Forecaster(manifest, model);
  }

  /** Scaled predictions (`n × horizon`) for `n` scaled windows (`n × seqLen × features`, row-major). */
  predictScaled(x: Float32Array, n: number): Float32Array {
    const { seqLen, features, horizon } = this.manifest;
    return evaluate(this.model, { n, x, y: new Float32Array(n * horizon) }, seqLen, features.length, horizon).predictions;
  }

  /** One-step forecasts for every window of prepared inputs (see `prepareForecastInputs`). */
  forecastInputs(inputs: ForecastInputs, file: string): Forecast[] {
    const { seqLen, horizon, targetScaler, targetTransform } = this.manifest;
    const f = this.manifest.features.length;
    const n = inputs.rows - seqLen + 1;
    if (n < 1) throw new DatasetError({ file, rule: `the model reads windows of seq_len=${seqLen} rows, but the file has ${inputs.rows} usable rows` });
    const block = seqLen * f;
    const x = new Float32Array(n * block);
    for (let i = 0; i < n; i++) x.set(inputs.scaled.subarray(i * f, i * f + block), i * block);
    const scaled = this.predictScaled(x, n);
    const out: Forecast[] = [];
    for (let i = 0; i < n; i++) {
      const t = i + seqLen - 1;
      const forecast = inverseTarget(targetTransform, unscaleValue(targetScaler, 0, scaled[i * horizon] ?? Number.NaN), inputs.target[t] ?? Number.NaN);
      if (t + 1 < inputs.rows) out.push({ date: inputs.dateLabels[t + 1] ?? "", forecast, actual: inputs.target[t + 1] ?? Number.NaN });
      else out.push({ date: nextDate(inputs), forecast });
    }
    return out;
  }

  /** One-step forecasts for CSV/TSV text with the training columns (extra columns are ignored). */
  predictCsv(text: string, file: string): Forecast[] {
    return this.forecastTable(parseDelimited(text, file), file);
  }

  /**
   * One-step forecasts for rows with the training columns, in any order (they are sorted by date):
   * one per window of `seqLen` consecutive rows, dated by the row it forecasts.
   *
   * ```ts
   * const f = await loadForecaster("./best-model");
   * for (const { date, forecast } of f.predict(rows)) console.log(date, forecast);
   * ```
   */
  predict(rows: readonly InputRow[]): Forecast[] {
    const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const table: DelimitedTable = {
      delimiter: ",",
      header,
      rows: rows.map((r) => header.map((h) => (r[h] === undefined ? "" : String(r[h])))),
      lines: rows.map((_, i) => i + 2),
    };
    return this.forecastTable(table, "rows");
  }

  /** Frees the model's tensors. */
  dispose(): void {
    this.model.dispose();
  }

  private forecastTable(table: DelimitedTable, file: string): Forecast[] {
    const m = this.manifest;
    const inputs = prepareForecastInputs(
      { dateColumn: m.dateColumn, features: m.features, target: m.target, featureTransform: m.featureTransform, missing: m.missing, featureScaler: m.featureScaler },
      table,
      file,
    );
    return this.forecastInputs(inputs, file);
  }
}

/** The date one step (the last gap between dates) after the last row, written like the input's dates. */
function nextDate(inputs: ForecastInputs): string {
  const n = inputs.rows;
  const last = inputs.dates[n - 1] ?? 0;
  const step = n >= 2 ? last - (inputs.dates[n - 2] ?? 0) : 0;
  const label = inputs.dateLabels[n - 1] ?? "";
  if (/^[+-]?\d+$/.test(label.trim())) return String(last + step);
  const iso = new Date(last + step).toISOString();
  return /^\d{4}-\d{2}-\d{2}$/.test(label.trim()) ? iso.slice(0, 10) : iso;
}
