/**
 * Test and benchmark helpers (`@hyperq/store/testing`): synthetic sweeps written through the
 * store's own verbs, for tests, benchmarks and demos. Not for production code.
 *
 * ```ts
 * import { createFixtureSweep } from "@hyperq/store/testing";
 * const sweep = await createFixtureSweep(store, { id: "fx", trials: 60, running: 3, seed: 7 });
 * ```
 */
export { createFixtureSweep, fixtureSpec, fixtureTrial, fixtureCurve, fixtureMetrics } from "./fixture-sweep.ts";
export type { FixtureOptions } from "./fixture-sweep.ts";
