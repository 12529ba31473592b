import { samplerConformanceSuite } from "../testing/conformance.ts";
import { GridSampler } from "./grid-sampler.ts";
import { RandomSampler } from "./random-sampler.ts";
import { GpSampler } from "./gp-sampler.ts";

samplerConformanceSuite("grid", () => new GridSampler(), { continuous: false });
samplerConformanceSuite("random", () => new RandomSampler(), { continuous: true });
// Fewer initial points so that the suite exercises the model-based path.
samplerConformanceSuite("gp", () => new GpSampler({ initialTrials: 4 }), { continuous: true });
