import { DatasetError } from "../errors.ts";

/** The DatasetError `fn` throws, for tests that assert its fields; any other outcome throws. */
export function catchDatasetError(fn: () => unknown): DatasetError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DatasetError) return e;
    throw e;
  }
  throw new Error("expected a DatasetError");
}
