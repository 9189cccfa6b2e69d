// A second run of a variant at a guidance scale it already has is not silently a second point of
// the curve: the upload answer and the variant page ask "replicate or duplicate?".
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { runs } from "../../db/schema";
import { eq } from "drizzle-orm";
import { makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { createRun } from "./create-run";
import { sameScaleGroups } from "./same-scale-runs";

let dir: string;
beforeEach(() => {
  dir = useTempDataDir();
});
afterEach(() => removeDataDir(dir));

describe("a second run at a guidance scale", () => {
  it("the upload answer asks replicate or duplicate, naming the run already there", async () => {
    const first = await createRun({ ...(await makeRunInput(dir, { seedBase: 1 })), guidanceScale: 3 });
    expect(first.sameScale).toBeUndefined();
    const other = await createRun({ ...(await makeRunInput(dir, { seedBase: 2 })), guidanceScale: 5 });
    expect(other.sameScale).toBeUndefined();
    const second = await createRun({ ...(await makeRunInput(dir, { seedBase: 3 })), guidanceScale: 3 });
    expect(second.sameScale).toMatchObject({ guidanceScale: 3, otherRuns: [first.run.id] });
    expect(second.sameScale!.message).toMatch(/^a second run at guidance 3: replicate or duplicate\?/);
    // The identical upload again is a duplicate by fingerprint, answered as such, not asked about.
    const again = await createRun({ ...(await makeRunInput(dir, { seedBase: 3 })), guidanceScale: 3 });
    expect(again).toMatchObject({ duplicate: true });
    expect(again.sameScale).toBeUndefined();
    // A failed run does not count.
    getDb().update(runs).set({ status: "failed" }).where(eq(runs.id, first.run.id)).run();
    const third = await createRun({ ...(await makeRunInput(dir, { seedBase: 4 })), guidanceScale: 3 });
    expect(third.sameScale!.otherRuns).toEqual([second.run.id]);
    // Runs labelled as other trained copies (replicates) are not asked about; one label's second run is.
    const copyA = await createRun({ ...(await makeRunInput(dir, { seedBase: 5 })), guidanceScale: 3, replicate: "A" });
    expect(copyA.sameScale).toBeUndefined();
    const copyB = await createRun({ ...(await makeRunInput(dir, { seedBase: 6 })), guidanceScale: 3, replicate: "B" });
    expect(copyB.sameScale).toBeUndefined();
    const copyA2 = await createRun({ ...(await makeRunInput(dir, { seedBase: 7 })), guidanceScale: 3, replicate: "A" });
    expect(copyA2.sameScale).toMatchObject({ otherRuns: [copyA.run.id] });
    expect(copyA2.sameScale!.message).toMatch(/^a second run of replicate "A" at guidance 3/);
  });

  it("the variant page marks each run that shares its scale and prompt set version", () => {
    const r = (id: string, guidanceScale: number, version = 1, status = "scored", replicate: string | null = null) => ({
      id,
      status,
      guidanceScale,
      replicate,
      promptSet: { name: "p", version },
    });
    const groups = sameScaleGroups([
      r("a", 3),
      r("b", 3),
      r("c", 5),
      r("d", 3, 2),
      r("e", 5, 1, "failed"),
      r("f", 3, 1, "scored", "A"),
    ]);
    expect(Object.fromEntries(groups)).toEqual({ a: ["b"], b: ["a"] });
  });
});
