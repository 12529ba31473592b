import { NoGpuError, listNvidiaGpus, requireGpus, type GpuDevice } from "@hyperq/models";
import { UsageError } from "./config.ts";

/**
 * A worker asked for the `tensorflow-gpu` backend starts only where a GPU is visible: otherwise it
 * exits with one line saying so, instead of taking trials that would train on the CPU.
 * `list` is the driver's GPU listing (injected by tests).
 */
export function checkGpuBackend(backend: string | undefined, env: NodeJS.ProcessEnv = process.env, list: () => GpuDevice[] = listNvidiaGpus): GpuDevice[] {
  if (backend !== "tensorflow-gpu") return [];
  try {
    return requireGpus(list, env["CUDA_VISIBLE_DEVICES"]);
  } catch (e) {
    if (e instanceof NoGpuError) throw new UsageError(e.message);
    throw e;
  }
}
