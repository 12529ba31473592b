/**
 * @hyperq/coordinator — turns stored sweeps into queued trials and finished sweeps.
 *
 * ```ts
 * const check = await checkLaunchFile("examples/demo.yaml");
 * if (check.ok) await launchSweep(store, check.plan);
 * const c = new Coordinator({ store, queue: new TrialQueue({ connection, keyPrefix: "hq" }), log });
 * c.start(); // ... await c.stop();
 * ```
 */
export { Coordinator, toTrialView } from "./coordinator.ts";
export type { CoordinatorOptions } from "./coordinator.ts";
export { TrialQueue } from "./trial-queue.ts";
export type { TrialQueueOptions, JobStatus } from "./trial-queue.ts";
export { budgetNote, checkLaunch, checkLaunchFile, launchSweep, maxSeqLen, newSweepId, spaceSize } from "./launch.ts";
export type { LaunchPlan, LaunchCheck, LaunchCheckOptions } from "./launch.ts";
export { warmStartObservations, planWarmStart } from "./warm-start.ts";
export type { WarmStartCheck } from "./warm-start.ts";
