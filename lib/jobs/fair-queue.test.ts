// Fair queues (claim-job.ts): scoring an upload never waits behind another key's bulk work, keys
// take turns within a lane, and one key's bulk jobs are bounded while running.
import { eq, inArray } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { jobs, runs } from "../../db/schema";
import { resetConfigForTests } from "../core/config";
import { createReferenceSet } from "../reference-sets/create-reference-set";
import { createRun } from "../runs/create-run";
import { rescoreRuns } from "../runs/rescore-run";
import { createTestActors } from "../../tools/test-support/actors";
import { makeRunInput, removeDataDir, stageImage, useTempDataDir } from "../../tools/test-support/runs";
import { claimJob } from "./claim-job";
import { completeJob } from "./complete-job";

let dir: string;
beforeEach(() => {
  dir = useTempDataDir();
});
afterEach(() => {
  delete process.env.T2I_BULK_JOBS_PER_KEY;
  resetConfigForTests();
  removeDataDir(dir);
});

/** `n` runs of `variant`, uploaded by `apiKeyId`, marked scored with their scoring jobs done. */
async function scoredRuns(n: number, variant: string, apiKeyId: string | null): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const input = await makeRunInput(dir, { perPrompt: 1, seedBase: i + 1, variant });
    ids.push((await createRun({ ...input, apiKeyId })).run.id);
  }
  getDb().update(runs).set({ status: "scored" }).where(inArray(runs.id, ids)).run();
  getDb().update(jobs).set({ status: "done" }).where(inArray(jobs.runId, ids)).run();
  return ids;
}

async function globalReferenceSet(name: string, actor?: Parameters<typeof createReferenceSet>[1]) {
  const items = [];
  for (let k = 0; k < 3; k++) {
    const img = await stageImage(dir, `ref-${name}`, `r${k}.png`, { shape: k, color: k + 2, seed: 9000 + k });
    items.push({ ...img, fileName: `r${k}.png` });
  }
  return createReferenceSet({ name, items }, actor);
}

const claimKind = (w: string) => {
  const j = claimJob(w);
  return j && { kind: j.kind, runId: j.runId };
};

describe("fair queues", () => {
  it("a new upload is claimed before 50 comparisons a global reference set queued", async () => {
    const { alice, bob } = createTestActors();
    await scoredRuns(50, "alice-model", alice.id);
    const ref = await globalReferenceSet("real-photos", alice);
    expect(ref.queuedRuns).toBe(50);
    expect(getDb().select().from(jobs).where(eq(jobs.status, "queued")).all()).toHaveLength(50);
    const { run } = await createRun({
      ...(await makeRunInput(dir, { perPrompt: 2, seedBase: 99, variant: "bob-model" })),
      apiKeyId: bob.id,
    });
    // Without lanes the oldest job (a comparison) would come first: 50 of them before this upload.
    expect(claimKind("w1")).toEqual({ kind: "score_run", runId: run.id });
    expect(claimKind("w2")).toMatchObject({ kind: "reference_metrics" });
  });

  it("keys take turns within a lane: one key's many uploads do not hold back another key's one", async () => {
    const { alice, bob } = createTestActors();
    const a: string[] = [];
    for (let i = 0; i < 3; i++)
      a.push(
        (
          await createRun({
            ...(await makeRunInput(dir, { perPrompt: 1, seedBase: i + 1, variant: "a" })),
            apiKeyId: alice.id,
          })
        ).run.id,
      );
    const b = (
      await createRun({ ...(await makeRunInput(dir, { perPrompt: 1, seedBase: 50, variant: "b" })), apiKeyId: bob.id })
    ).run.id;
    const order = [1, 2, 3, 4].map((i) => claimJob(`w${i}`)!.runId);
    expect(order).toEqual([a[0], b, a[1], a[2]]);
  });

  it("a key's running bulk jobs are bounded (T2I_BULK_JOBS_PER_KEY); other keys' bulk still runs", async () => {
    process.env.T2I_BULK_JOBS_PER_KEY = "1";
    resetConfigForTests();
    const { alice, bob } = createTestActors();
    await scoredRuns(3, "shared-model", null);
    await globalReferenceSet("alice-set", alice);
    const first = claimJob("w1")!;
    expect(first).toMatchObject({ kind: "reference_metrics", apiKeyId: alice.id, priority: 2 });
    // Alice already has one bulk job running: her other two wait.
    expect(claimJob("w2")).toBeUndefined();
    // Bob's set: runs with a comparison pending share it; the two new runs get jobs on Bob's account.
    await scoredRuns(2, "later-model", null);
    expect((await globalReferenceSet("bob-set", bob)).queuedRuns).toBe(2);
    expect(claimJob("w2")).toMatchObject({ kind: "reference_metrics", apiKeyId: bob.id });
    completeJob(first.id, "w1");
    expect(claimJob("w3")).toMatchObject({ kind: "reference_metrics", apiKeyId: alice.id });
  });

  it("re-scoring every run goes to the bulk lane, behind a new upload", async () => {
    const ids = await scoredRuns(4, "old-model", null);
    rescoreRuns("another-evaluator");
    expect(
      getDb()
        .select({ p: jobs.priority })
        .from(jobs)
        .where(eq(jobs.status, "queued"))
        .all()
        .map((j) => j.p),
    ).toEqual([2, 2, 2, 2]);
    const { run } = await createRun(await makeRunInput(dir, { perPrompt: 1, seedBase: 77, variant: "new-model" }));
    expect(claimJob("w")!.runId).toBe(run.id);
    expect(ids).toContain(claimJob("w2")!.runId);
  });
});
