// A bulk job makes way: when an upload's scoring job is queued while a worker compares runs with a
// new reference set, the comparison is handed back (no attempt used, its cached embeddings kept),
// the upload is scored, and the comparison then finishes.
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { jobs } from "../../db/schema";
import { ClipEvaluator } from "../clip/evaluator";
import { enqueueJob } from "../jobs/enqueue-job";
import { createReferenceSet } from "../reference-sets/create-reference-set";
import { createRun } from "../runs/create-run";
import { scoreRun } from "../runs/score-run";
import { createTestActors } from "../../tools/test-support/actors";
import { FIXTURE_MODEL, makeRunInput, removeDataDir, stageImage, useTempDataDir } from "../../tools/test-support/runs";
import { startWorker } from "./run-worker";

let ev: ClipEvaluator;
let dir: string;
beforeAll(async () => {
  ev = await ClipEvaluator.load(FIXTURE_MODEL, { threads: 1 });
});
afterAll(() => ev.release());
beforeEach(() => {
  dir = useTempDataDir();
});
afterEach(() => removeDataDir(dir));

describe("lanes", () => {
  it("a running comparison is handed back for an upload's scoring, then finishes", async () => {
    const who = createTestActors();
    const scored = await createRun({ ...(await makeRunInput(dir, { perPrompt: 2, variant: "old" })) }, who.alice);
    await scoreRun({ runId: scored.run.id, evaluator: ev });
    getDb().update(jobs).set({ status: "done" }).run();
    const upload = await createRun(
      { ...(await makeRunInput(dir, { perPrompt: 2, seedBase: 5, variant: "new" })) },
      who.bob,
    );
    getDb().update(jobs).set({ status: "done" }).where(eq(jobs.runId, upload.run.id)).run();
    const items = [];
    for (let k = 0; k < 160; k++) {
      const img = await stageImage(dir, "ref", `r${k}.png`, { shape: k, color: k + 1, seed: 7000 + k, size: 48 });
      items.push({ ...img, fileName: `r${k}.png` });
    }
    const ref = await createReferenceSet({ name: "many", items }, who.alice);
    expect(ref.queuedRuns).toBe(1);

    const lines: string[] = [];
    let queued = false;
    const stats = await startWorker({
      evaluator: ev,
      workerId: "w",
      exitWhenIdle: true,
      log: (l) => lines.push(l),
      onStatus: (r) => {
        // The upload's scoring job arrives while the first comparison embeds the reference set.
        if (r.state === "working" && !queued) {
          queued = true;
          getDb().transaction((tx) => enqueueJob(tx, { kind: "score_run", runId: upload.run.id }));
        }
      },
    });
    const claims = lines.filter((l) => l.startsWith("claimed job")).map((l) => /run (run_\w+)/.exec(l)![1]);
    // Before: the comparison ran to its end first, before the upload.
    expect(lines.some((l) => /handed back without using an attempt: a job of a higher lane is waiting/.test(l))).toBe(
      true,
    );
    expect(claims[1]).toBe(upload.run.id);
    expect(stats.jobsFailed).toBe(0);
    const all = getDb().select().from(jobs).all();
    expect(all.every((j) => j.status === "done")).toBe(true);
    // The handed-back comparison used one attempt; the upload's own comparison followed its scoring.
    expect(all.filter((j) => j.kind === "reference_metrics").map((j) => j.attempts)).toEqual([1, 1]);
  });
});
