import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const pkg = fileURLToPath(new URL("../..", import.meta.url));

describe("gp-kernels.wasm", () => {
  it("is the build of assembly/gp-kernels.ts (run `pnpm --filter @hyperq/search build:wasm` after editing it)", () => {
    const dir = mkdtempSync(join(tmpdir(), "hyperq-wasm-"));
    try {
      const out = join(dir, "gp-kernels.wasm");
      const script = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).scripts["build:wasm"] as string;
      const args = script.split(" ").slice(1).map((a) => (a === "src/gp/gp-kernels.wasm" ? out : a));
      const r = spawnSync(join(pkg, "node_modules/.bin/asc"), args, { cwd: pkg, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(out).equals(readFileSync(join(pkg, "src/gp/gp-kernels.wasm")))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
