import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BundledDatasetName, DatasetSpec } from "@hyperq/protocol";
import { DatasetError } from "./errors.ts";
import { inspectDatasetFile, type DatasetSizeLimit } from "./file-guard.ts";

/** Each bundled dataset's file in this package's `data/` folder (copied from vega-datasets 3.2.1; see data/README.md), and its defaults. */
export const BUNDLED_DATASET_FILES: Readonly<Record<BundledDatasetName, { file: string; target: string }>> = {
  sp500: { file: "data/sp500-2000.csv", target: "close" },
  "seattle-weather": { file: "data/seattle-weather.csv", target: "temp_max" },
};

const PACKAGE_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Absolute path of a bundled dataset's CSV file. */
export function bundledDatasetPath(name: BundledDatasetName): string {
  return join(PACKAGE_ROOT, BUNDLED_DATASET_FILES[name].file);
}

/**
 * The dataset file's text: the bundled file for `spec.name`, else `spec.path` resolved against
 * `baseDir` (the spec file's folder). `file` names it in errors: `data/…` for a bundled
 * dataset, the absolute path otherwise. A user file is checked before it is read (see
 * {@link inspectDatasetFile}: no devices, FIFOs or `/proc` files; a warning when it lies outside
 * `baseDir`; refused when larger than `limit`).
 *
 * @throws DatasetError when the file is refused or cannot be read.
 */
export function readDatasetSource(spec: DatasetSpec, baseDir: string, limit: DatasetSizeLimit = {}): { text: string; file: string; warnings: string[] } {
  let abs: string;
  let file: string;
  let warnings: string[] = [];
  if (spec.name !== undefined) {
    abs = bundledDatasetPath(spec.name);
    file = BUNDLED_DATASET_FILES[spec.name].file;
  } else if (spec.path !== undefined) {
    file = resolve(baseDir, spec.path);
    const checked = inspectDatasetFile(file, baseDir, limit);
    abs = checked.real;
    warnings = checked.warnings;
  } else {
    throw new DatasetError({ file: "(none)", rule: "exactly one of `name` (a bundled dataset) and `path` (a CSV file) must be given" });
  }
  try {
    return { text: readFileSync(abs, "utf8"), file, warnings };
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    throw new DatasetError({ file, rule: `the file must exist and be readable, but reading it failed (${typeof code === "string" ? code : "unknown error"})`, cause });
  }
}

/** sha256 of the text's UTF-8 bytes, lowercase hex (the form `DatasetSpec.contentHash` takes). */
export function contentHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
