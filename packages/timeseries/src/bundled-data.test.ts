import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUNDLED_DATASET_FILES, bundledDatasetPath } from "./source.ts";

const README = readFileSync(new URL("../data/README.md", import.meta.url), "utf8");

describe("the bundled datasets in data/", () => {
  it("are the files data/README.md describes, byte for byte, each with its source and license", () => {
    for (const name of Object.keys(BUNDLED_DATASET_FILES) as (keyof typeof BUNDLED_DATASET_FILES)[]) {
      const file = BUNDLED_DATASET_FILES[name].file.replace(/^data\//, "");
      const row = README.split("\n").find((l) => l.startsWith(`| \`${file}\` |`));
      expect(row, `${file} is not described in data/README.md`).toBeDefined();
      const cells = row!.split("|").map((c) => c.trim());
      const text = readFileSync(bundledDatasetPath(name));
      expect(createHash("sha256").update(text).digest("hex"), file).toBe(cells[6]!.replaceAll("`", ""));
      expect(text.toString("utf8").trimEnd().split("\n").length - 1, `${file}: data rows`).toBe(Number(cells[2]));
      expect(cells[5], `${file}: license`).not.toBe("");
    }
    expect(README).toContain("BSD-3-Clause");
  });
});
