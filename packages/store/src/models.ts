/** Models kept per sweep when a stored spec predates the `keepModels` option (the schema's default). */
export const DEFAULT_KEEP_MODELS = 5;

/** A checkpoint nobody deleted (its trial's worker died for good) expires after a week. */
export const CHECKPOINT_TTL_MS = 7 * 24 * 3600 * 1000;
