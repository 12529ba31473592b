import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HYPERQ_VERSION, TFJS_VERSION } from "./version.ts";

describe("versions written into model manifests", () => {
  it("HyperQ's is the workspace's package.json version; tfjs's the installed tfjs-core's", () => {
    const root = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(HYPERQ_VERSION).toBe(root.version);
    const core = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { dependencies: Record<string, string> };
    expect(TFJS_VERSION).toBe(core.dependencies["@tensorflow/tfjs-core"]);
  });
});
