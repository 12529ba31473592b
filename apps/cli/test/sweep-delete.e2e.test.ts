/**
 * `hyperq sweep delete` as a user runs it: real CLI processes on the real Redis. A sweep on a
 * user file is launched (its blob uploaded), refused while running, then deleted once cancelled.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Deployment } from "./helpers.ts";

describe("hyperq sweep delete", () => {
  const d = new Deployment();
  afterAll(async () => {
    await d.stop();
  });

  it("refuses a running sweep with the reason, and removes a cancelled one with its blob", async () => {
    writeFileSync(join(d.dir, "series.csv"), ["date,v", ...Array.from({ length: 60 }, (_, i) => `${i},${Math.cos(i / 4) + 3}`)].join("\n"));
    const before = await d.dataKeys();
    const id = await d.launch("name: del\nmethod: random\nbudget: 2\nepochs: 1\ndataset: { path: series.csv, target: v }\nspace: { dropout: { type: float, low: 0.1, high: 0.3 }, seq_len: 3 }\n");
    const hash = (await d.store.getSweep(id))!.spec.dataset.contentHash!;
    expect(await d.store.getBlob(hash)).toBeDefined();

    const refused = await d.run(["sweep", "delete", id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`hyperq: cannot delete sweep ${id}: it is running; only a complete or cancelled sweep can be deleted (\`hyperq sweep cancel ${id}\` first)\n`);
    expect(await d.store.getSweep(id)).toBeDefined();

    expect((await d.run(["sweep", "cancel", id])).code).toBe(0);
    const deleted = await d.run(["sweep", "delete", id]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(`deleted sweep ${id} (cancelled): removed 0 trials, 2 events, 0 queue jobs, dataset blob ${hash.slice(0, 12)}…\n`);
    expect(await d.store.getBlob(hash)).toBeUndefined();
    // Nothing of the sweep is left; the shared event stream stays (now without its events).
    expect((await d.dataKeys()).filter((k) => k !== d.keys.events)).toEqual(before);

    const again = await d.run(["sweep", "delete", id]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`no sweep "${id}"`);
  });
});
