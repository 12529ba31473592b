/** Models kept per sweep when a stored spec predates the `keepModels` option (the schema's default). */
export const DEFAULT_KEEP_MODELS = 5;
