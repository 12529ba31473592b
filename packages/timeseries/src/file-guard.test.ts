import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { datasetSpecSchema } from "@hyperq/protocol";
import { DatasetError } from "./errors.ts";
import { prepareDataset } from "./prepare.ts";
import { readDatasetSource } from "./source.ts";

const root = mkdtempSync(join(tmpdir(), "hyperq-guard-"));
const specDir = join(root, "specs");
mkdirSync(specDir);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function refusal(path: string): DatasetError {
  try {
    readDatasetSource(datasetSpecSchema.parse({ path, target: "v" }), specDir);
  } catch (e) {
    if (e instanceof DatasetError) return e;
    throw e;
  }
  throw new Error(`expected ${path} to be refused`);
}

describe("dataset files: what the launcher refuses to read", () => {
  it("refuses /proc, /sys and device files, naming the rule", () => {
    expect(refusal("/proc/self/environ").message).toBe("/proc/self/environ: a dataset must be a regular data file, but this one lies under /proc, a system folder (it resolves to " + `/proc/${process.pid}/environ)`);
    expect(refusal("/sys/kernel/mm/transparent_hugepage/enabled").rule).toContain("under /sys");
    expect(refusal("/dev/null").rule).toContain("under /dev");
  });

  it("judges a symlink by its target: a link to a device or a FIFO is refused", () => {
    symlinkSync("/dev/zero", join(specDir, "zero.csv"));
    expect(refusal("zero.csv").rule).toBe("a dataset must be a regular data file, but this one lies under /dev, a system folder (it resolves to /dev/zero)");
    symlinkSync("/proc/self/environ", join(specDir, "env.csv"));
    expect(refusal("env.csv").rule).toMatch(/^a dataset must be a regular data file, but this one lies under \/proc/);
    const fifo = join(root, "pipe");
    execFileSync("mkfifo", [fifo]);
    symlinkSync(fifo, join(specDir, "pipe.csv"));
    // A FIFO would block a reader forever: stat says what it is without opening it.
    expect(refusal("pipe.csv").rule).toBe(`a dataset must be a regular file, but this one is a FIFO (named pipe) (it resolves to ${fifo})`);
    expect(refusal(".").rule).toContain("is a folder");
  });

  it("warns, and still reads, when the path leaves the spec's folder", () => {
    writeFileSync(join(root, "outside.csv"), "date,v\n2020-01-01,1\n");
    const got = readDatasetSource(datasetSpecSchema.parse({ path: "../outside.csv", target: "v" }), specDir);
    expect(got.text).toBe("date,v\n2020-01-01,1\n");
    expect(got.warnings).toEqual([`warning: dataset ${join(root, "outside.csv")} lies outside the spec's folder ${specDir}; make sure it is the file you mean to upload`]);
    writeFileSync(join(specDir, "inside.csv"), "date,v\n");
    expect(readDatasetSource(datasetSpecSchema.parse({ path: "inside.csv", target: "v" }), specDir).warnings).toEqual([]);
  });
});

describe("dataset size limit", () => {
  it("refuses a file over the limit by its size, before reading it, naming limit and size", () => {
    const big = join(specDir, "big.csv");
    writeFileSync(big, "date,v\n");
    truncateSync(big, 100 * 1024 * 1024); // sparse: 100 MiB on paper, nothing on disk
    expect(refusal("big.csv").rule).toBe("a dataset file may hold at most 64 MiB (67108864 bytes), but this one holds 100 MiB (104857600 bytes)");
    const spec = datasetSpecSchema.parse({ path: "small.csv", target: "v" });
    writeFileSync(join(specDir, "small.csv"), "date,v\n".padEnd(3000, "\n"));
    expect(() => readDatasetSource(spec, specDir, { maxBytes: 2048, hint: "the limit X=0.002" })).toThrow(
      `${join(specDir, "small.csv")}: a dataset file may hold at most 2048 bytes (the limit X=0.002), but this one holds 3000 bytes`,
    );
    expect(readDatasetSource(spec, specDir, { maxBytes: 3000 }).text.length).toBe(3000);
  });
});

describe("dataset errors never echo the file beyond the offending cell", () => {
  const secret = "hq-secret-7f3a9c";
  const environ = `PATH=/usr/bin\0REDIS_PASSWORD=${secret}\0HOME=/root\0\nLANG=C\n`;

  it("a file that is not a table: the missing column is named, the header is not shown", () => {
    const e = (() => {
      try {
        prepareDataset(datasetSpecSchema.parse({ path: "x.csv", target: "v" }), environ, "x.csv");
      } catch (err) {
        return err as DatasetError;
      }
      throw new Error("expected a DatasetError");
    })();
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.message).not.toContain(secret);
    expect(e.message).toBe('x.csv, column "date": `dateColumn` defaults to "date", but the file has no such column; its header has 1 column (not listed: line 1 does not look like a header of column names)');
  });

  it("a password-file line as a header is not listed; a real header is", () => {
    const passwd = `root:x:0:0:${secret}:/root:/bin/bash\ndaemon:x:1:1::/:/bin/false\n`;
    expect(() => prepareDataset(datasetSpecSchema.parse({ path: "p", target: "v" }), passwd, "p")).toThrow(/its header has 1 column \(not listed/);
    expect(() => prepareDataset(datasetSpecSchema.parse({ path: "p", target: "v" }), "day,v\n1,2\n", "p")).toThrow('its columns are "day", "v"');
  });

  it("a long offending cell is cut to 40 characters", () => {
    const cell = `${"a".repeat(40)}${secret}`;
    const text = `date,v\n2020-01-01,1\n2020-01-02,${cell}\n`;
    expect(() => prepareDataset(datasetSpecSchema.parse({ path: "c", target: "v", features: ["v"] }), text, "c")).toThrow(
      `c, column "v", line 3: the target column must be numeric, but got "${"a".repeat(40)}"…`,
    );
  });
});
