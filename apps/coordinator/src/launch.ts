import { randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { readFile } from "node:fs/promises";
import {
  DEFAULT_HYPERPARAMS,
  SWEEP_ID_PATTERN,
  formatIssues,
  parseDatasetPart,
  parseSweepSpecText,
  type DatasetSpec,
  type SpecIssue,
  type SweepSpec,
} from "@hyperq/protocol";
import { gridSize } from "@hyperq/search";
import { checkWindowsFit, contentHash, prepareDataset, readDatasetSource, type DatasetSizeLimit } from "@hyperq/timeseries";
import type { SweepRecord, SweepStore, WarmStart } from "@hyperq/store";
import { planWarmStart } from "./warm-start.ts";

/** A spec that passed every check, ready to store. */
export interface LaunchPlan {
  id: string;
  spec: SweepSpec;
  budget: number;
  /** A user dataset file to store in Redis (workers elsewhere read it from there). */
  blob?: { hash: string; text: string };
  /** The observations `spec.warmStartFrom` names, once resolved against the store (`planWarmStart`). */
  warmStart?: WarmStart;
  /** One-line notes for the user that do not stop the launch (e.g. the dataset lies outside the spec's folder). */
  warnings: string[];
}

export interface LaunchCheckOptions {
  /** The sweep id to use (default: the name and a random suffix). */
  id?: string;
  /** Bound on a user dataset file's size (default 64 MiB), checked before the file is read. */
  datasetLimit?: DatasetSizeLimit;
}

export type LaunchCheck = { ok: true; plan: LaunchPlan } | { ok: false; issues: SpecIssue[] };

/** The largest `seq_len` a sweep may try (for the "series long enough" check). */
export function maxSeqLen(spec: SweepSpec): number {
  const p = spec.space.seq_len;
  if (!p) {
    const fixed = spec.training.seq_len;
    return typeof fixed === "number" ? fixed : DEFAULT_HYPERPARAMS.seq_len;
  }
  switch (p.type) {
    case "fixed":
      return Number(p.value);
    case "categorical":
      return Math.max(...p.values.map(Number));
    case "int":
    case "float":
      return Math.ceil(p.high);
  }
}

/** Distinct configurations the space holds: finite when no parameter is a float range. */
export function spaceSize(spec: SweepSpec): number {
  return Object.values(spec.space).some((p) => p.type === "float") ? Infinity : gridSize(spec.space);
}

/**
 * "3 trials asked, the space has 2" when a sweep's budget was cut to its space's size (what
 * launch and the summaries say); `undefined` when it runs what was asked.
 */
export function budgetNote(spec: SweepSpec, budget: number): string | undefined {
  if (spec.budget === undefined || spec.budget <= budget) return undefined;
  return `${spec.budget} trials asked, the space has ${budget}`;
}

export function newSweepId(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "sweep";
  return `${slug}-${randomBytes(3).toString("hex")}`;
}

/**
 * Every check that can fail before anything is stored or queued: the spec's schema, the dataset
 * (file readable, columns present, values numeric, series long enough for the largest window).
 * Returns one issue per problem, each naming the field and the rule.
 */
export async function checkLaunch(specText: string, specDir: string, opts: LaunchCheckOptions = {}): Promise<LaunchCheck> {
  const parsed = parseSweepSpecText(specText);
  if (!parsed.ok) {
    // The dataset is checked too when its part of the spec is valid: every problem in one report.
    const dataset = parseDatasetPart(specText);
    const problem = dataset === undefined ? undefined : datasetProblem(dataset, specDir, opts.datasetLimit);
    return { ok: false, issues: problem === undefined ? parsed.issues : [...parsed.issues, problem] };
  }
  const spec = parsed.value;
  if (opts.id !== undefined && !SWEEP_ID_PATTERN.test(opts.id)) {
    return { ok: false, issues: [{ path: "id", message: `sweep ids match ${SWEEP_ID_PATTERN}, but got ${JSON.stringify(opts.id)}` }] };
  }
  let blob: LaunchPlan["blob"];
  const warnings: string[] = [];
  try {
    const { text, file, warnings: fileWarnings } = readDatasetSource(spec.dataset, specDir, opts.datasetLimit);
    warnings.push(...fileWarnings);
    const prepared = prepareDataset(spec.dataset, text, file);
    checkWindowsFit(prepared, maxSeqLen(spec));
    if (spec.dataset.path !== undefined) {
      const hash = contentHash(text);
      blob = { hash, text };
      spec.dataset = { ...spec.dataset, path: resolve(specDir, spec.dataset.path), contentHash: hash };
    }
  } catch (e) {
    return { ok: false, issues: [{ path: "dataset", message: (e as Error).message }] };
  }
  const size = spaceSize(spec);
  const budget = Math.min(spec.budget ?? size, size);
  const plan: LaunchPlan = { id: opts.id ?? newSweepId(spec.name), spec, budget, warnings };
  if (blob) plan.blob = blob;
  return { ok: true, plan };
}

/** The dataset's first problem (file, columns, values), without the window check that needs the whole spec. */
function datasetProblem(dataset: DatasetSpec, specDir: string, limit: DatasetSizeLimit | undefined): SpecIssue | undefined {
  try {
    const { text, file } = readDatasetSource(dataset, specDir, limit);
    prepareDataset(dataset, text, file);
    return undefined;
  } catch (e) {
    return { path: "dataset", message: (e as Error).message };
  }
}

export async function checkLaunchFile(specPath: string, opts: LaunchCheckOptions = {}): Promise<LaunchCheck> {
  let text: string;
  try {
    text = await readFile(specPath, "utf8");
  } catch (e) {
    return { ok: false, issues: [{ path: "(file)", message: `cannot read ${specPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }] };
  }
  return checkLaunch(text, dirname(resolve(specPath)), opts);
}

/**
 * Stores a checked plan: the dataset blob first, then the sweep (which makes it active), with its
 * warm start's observations (resolved here when the plan does not carry them; a refusal throws).
 */
export async function launchSweep(store: SweepStore, plan: LaunchPlan): Promise<SweepRecord> {
  let warmStart = plan.warmStart;
  if (!warmStart && plan.spec.warmStartFrom !== undefined) {
    const check = await planWarmStart(store, plan);
    if (check && !check.ok) throw new Error(`cannot warm-start:\n${formatIssues(check.issues)}`);
    if (check?.ok) warmStart = check.warmStart;
  }
  if (plan.blob) await store.putBlob(plan.blob.hash, plan.blob.text);
  return store.createSweep(plan.spec, { id: plan.id, budget: plan.budget, ...(warmStart ? { warmStart } : {}) });
}
