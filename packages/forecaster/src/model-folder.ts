import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { MODEL_WEIGHTS_FILE } from "@hyperq/protocol";
import { ModelFolderError } from "./errors.ts";
import { Forecaster } from "./forecaster.ts";
import { checkManifest, type ModelPackage } from "./manifest.ts";
import { weightBytes } from "./weights.ts";

/** The manifest's file name in a model folder. */
export const MANIFEST_FILE = "manifest.json";

/**
 * Writes a model folder (`manifest.json` + `weights.bin`) at `dir`, which must not exist or be
 * empty. Everything is written to a sibling temporary folder first and renamed into place, so a
 * failure leaves nothing behind.
 *
 * @throws ModelFolderError when `dir` exists and is not an empty folder.
 */
export function writeModelFolder(dir: string, pkg: ModelPackage): void {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new ModelFolderError(`${dir} exists and is not a folder; choose a new folder for the model`);
    if (readdirSync(target).length > 0) throw new ModelFolderError(`${dir} exists and is not empty; choose a new or empty folder for the model`);
  }
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${randomBytes(4).toString("hex")}`);
  try {
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, MANIFEST_FILE), `${JSON.stringify(pkg.manifest, null, 2)}\n`);
    writeFileSync(join(tmp, MODEL_WEIGHTS_FILE), pkg.weights);
    if (existsSync(target)) rmdirSync(target);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Reads and checks a model folder written by {@link writeModelFolder}: both files present, the
 * manifest of this format version and valid, the weight file of exactly the size it describes.
 *
 * @throws ModelFolderError naming the folder, the file and what is wrong.
 */
export function readModelFolder(dir: string): ModelPackage {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ModelFolderError(`${dir} is not a folder; give the folder \`hyperq model export\` wrote`);
  const manifestPath = join(dir, MANIFEST_FILE);
  const weightsPath = join(dir, MODEL_WEIGHTS_FILE);
  for (const [path, name] of [[manifestPath, MANIFEST_FILE], [weightsPath, MODEL_WEIGHTS_FILE]] as const) {
    if (!existsSync(path)) throw new ModelFolderError(`${dir} is not a complete model folder: ${name} is missing (a folder needs ${MANIFEST_FILE} and ${MODEL_WEIGHTS_FILE})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch (e) {
    throw new ModelFolderError(`${manifestPath} is not valid JSON (${(e as Error).name}); export the model again`, e);
  }
  const manifest = checkManifest(raw, manifestPath);
  const weights = new Uint8Array(readFileSync(weightsPath));
  const want = weightBytes(manifest.weights);
  if (weights.byteLength !== want) {
    throw new ModelFolderError(`${weightsPath} must hold ${want} bytes (the float32 weights ${MANIFEST_FILE} lists), but has ${weights.byteLength}; the folder is incomplete or mixed with another model`);
  }
  return { manifest, weights };
}

/**
 * Loads an exported model folder as a {@link Forecaster}; needs no Redis and no sweep.
 *
 * ```ts
 * import { loadForecaster } from "@hyperq/forecaster";
 * const f = await loadForecaster("./best-model");
 * const forecasts = f.predict([{ date: "2024-01-02", open: 1, high: 2, low: 1, close: 2, volume: 9 }, ...]);
 * ```
 */
export async function loadForecaster(dir: string): Promise<Forecaster> {
  return Forecaster.fromPackage(readModelFolder(dir), dir);
}
