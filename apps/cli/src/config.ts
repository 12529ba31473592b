import { configSchema, type Config } from "@hyperq/protocol";

/** Every setting HyperQ reads from the environment: the one schema, from `@hyperq/protocol`. */
export { configSchema, type Config };

/** Parses the environment once, at start; a bad setting is a {@link UsageError} naming the field and rule. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = configSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new UsageError(`invalid environment:\n${lines.join("\n")}`);
  }
  return r.data;
}

/** A user mistake (flags, env, spec): printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The dataset size bound launch and validate apply, from {@link Config}. */
export function datasetLimit(config: Pick<Config, "HYPERQ_MAX_DATASET_MB">): { maxBytes: number; hint: string } {
  return { maxBytes: Math.floor(config.HYPERQ_MAX_DATASET_MB * 1024 * 1024), hint: `the limit HYPERQ_MAX_DATASET_MB=${config.HYPERQ_MAX_DATASET_MB}` };
}
