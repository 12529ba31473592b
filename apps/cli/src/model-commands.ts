/**
 * `hyperq model export|list` and `hyperq predict`: the models a sweep kept, out of Redis into a
 * self-contained folder, and forecasts from such a folder.
 */
import { readFileSync, existsSync, statSync } from "node:fs";
import type { Command } from "commander";
import { ModelFolderError, loadForecaster, writeModelFolder, type Forecaster } from "@hyperq/forecaster";
import type { SweepRecord, SweepStore } from "@hyperq/store";
import { DatasetError } from "@hyperq/timeseries";
import { UsageError, type Config } from "./config.ts";
import { intOption, withStore as withConfigStore } from "./options.ts";
import { fmtNum, formatTable } from "./table.ts";

/** Bytes as B, KiB or MiB. */
export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

/** One line for `sweep status`: how many models the sweep keeps and the bytes they take. */
export async function keptModelsLine(store: SweepStore, sweep: SweepRecord): Promise<string> {
  const kept = await store.listModels(sweep.id);
  const keep = (sweep.spec as { keepModels?: number }).keepModels ?? 5;
  if (keep === 0) return "models: none kept (keepModels: 0)";
  const bytes = kept.reduce((n, m) => n + m.bytes, 0);
  const trials = kept.length > 0 ? `: trials ${kept.map((m) => m.trial).join(", ")}` : "";
  return `models: ${kept.length} kept of at most ${keep}, ${fmtBytes(bytes)}${trials}`;
}

/** Writes the model of `trial` (default: the best kept one) to a new folder `dir`. */
export async function exportModel(store: SweepStore, sweepId: string, trial: number | undefined, dir: string): Promise<void> {
  const sweep = await store.getSweep(sweepId);
  if (!sweep) throw new UsageError(`no sweep "${sweepId}" (see \`hyperq sweep list\`)`);
  const kept = await store.listModels(sweepId);
  const n = trial ?? kept[0]?.trial;
  if (n === undefined) throw new UsageError(`sweep ${sweepId} keeps no models (no trial has completed yet, or the spec has keepModels: 0)`);
  const model = await store.getModel(sweepId, n);
  if (!model) {
    const which = kept.length > 0 ? `; kept: trials ${kept.map((m) => m.trial).join(", ")}` : "";
    throw new UsageError(`--trial ${n}: sweep ${sweepId} keeps no model for this trial (only the best keepModels complete trials keep theirs)${which}`);
  }
  try {
    writeModelFolder(dir, model);
  } catch (e) {
    if (e instanceof ModelFolderError) throw new UsageError(`-o ${e.message}`);
    throw e;
  }
  process.stderr.write(`wrote trial ${n} of ${sweepId} (val loss ${fmtNum(model.manifest.scores.valLoss)}, val MAE ${fmtNum(model.manifest.scores.valMae)}) to ${dir}\n`);
}

/** Prints `date,forecast` for every window of the CSV, one-step forecasts in original units. */
export async function predictCsv(dir: string, csvFile: string): Promise<void> {
  if (!existsSync(csvFile) || !statSync(csvFile).isFile()) throw new UsageError(`--csv ${csvFile}: no such file`);
  let forecaster: Forecaster | undefined;
  try {
    forecaster = await loadForecaster(dir);
    const forecasts = forecaster.predictCsv(readFileSync(csvFile, "utf8"), csvFile);
    const lines = ["date,forecast", ...forecasts.map((f) => `${csvCell(f.date)},${f.forecast}`)];
    process.stdout.write(`${lines.join("\n")}\n`);
  } catch (e) {
    if (e instanceof ModelFolderError || e instanceof DatasetError) throw new UsageError(e.message);
    throw e;
  } finally {
    forecaster?.dispose();
  }
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The kept models of a sweep, best first. */
export async function printModels(store: SweepStore, sweepId: string): Promise<void> {
  const sweep = await store.getSweep(sweepId);
  if (!sweep) throw new UsageError(`no sweep "${sweepId}" (see \`hyperq sweep list\`)`);
  const kept = await store.listModels(sweepId);
  process.stdout.write(`${await keptModelsLine(store, sweep)}\n`);
  if (kept.length > 0) process.stdout.write(`${formatTable(["rank", "trial", "val_loss", "bytes"], kept.map((m, i) => [String(i + 1), String(m.trial), fmtNum(m.valLoss), fmtBytes(m.bytes)]))}\n`);
}

/** Registers `model export`, `model list` and `predict` on the program. */
export function registerModelCommands(program: Command, config: Config): void {
  const withStore = (fn: (store: SweepStore) => Promise<void>) => withConfigStore(config, fn);

  const model = program.command("model").description("the trained models sweeps keep");
  model
    .command("export <sweep>")
    .description("write a kept model (default: the sweep's best) to a new folder: manifest.json + weights.bin, usable without Redis")
    .option("--trial <n>", "the trial whose model to export", intOption("--trial", 0))
    .requiredOption("-o, --out <dir>", "the folder to create (must not exist, or be empty)")
    .action((id: string, o: { trial?: number; out: string }) => withStore((s) => exportModel(s, id, o.trial, o.out)));
  model
    .command("list <sweep>")
    .description("the models a sweep keeps, best first, with their size")
    .action((id: string) => withStore((s) => printModels(s, id)));
  program
    .command("predict <dir>")
    .description("one-step forecasts of an exported model for a CSV with its training columns (CSV on stdout: date,forecast)")
    .requiredOption("--csv <file>", "the rows to forecast from")
    .action((dir: string, o: { csv: string }) => predictCsv(dir, o.csv));
}
