// How jobs end that no worker can or should finish: comparisons of demo runs under another
// evaluator are dropped with their reason instead of staying queued for ever, and a job whose run
// was deleted while it was being scored is logged as that, not as a lease another worker took.
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { jobs, runs } from "../../db/schema";
import { ClipEvaluator } from "../clip/evaluator";
import { claimJob, DEMO_COMPARISON_RETIRED } from "../jobs/claim-job";
import { enqueueJob } from "../jobs/enqueue-job";
import { createRun } from "../runs/create-run";
import { deleteRun } from "../runs/delete-run";
import { createTestActors } from "../../tools/test-support/actors";
import { FIXTURE_MODEL, makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
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

describe("jobs no worker will finish", () => {
  it("a worker without the toy-world evaluator drops demo runs' comparisons with the reason", async () => {
    const { run } = await createRun({ ...(await makeRunInput(dir, { variant: "toy-demo" })), isDemo: true });
    getDb().update(runs).set({ status: "scored" }).where(eq(runs.id, run.id)).run();
    getDb().update(jobs).set({ status: "done" }).run();
    const comparison = getDb().transaction((tx) =>
      enqueueJob(tx, { kind: "reference_metrics", runId: run.id, lane: "bulk" }),
    );
    // Before: skipped by every such worker, queued for ever.
    expect(claimJob("w", 1000, Date.now(), { demoRuns: false })).toBeUndefined();
    expect(getDb().select().from(jobs).where(eq(jobs.id, comparison.id)).get()).toMatchObject({
      status: "failed",
      lastError: DEMO_COMPARISON_RETIRED,
    });
    // The demo run itself is untouched.
    expect(getDb().select().from(runs).where(eq(runs.id, run.id)).get()!.status).toBe("scored");
  });

  it("a job whose run is deleted while it is scored is logged as deleted, not as a lost lease", async () => {
    const who = createTestActors();
    const { run } = await createRun(await makeRunInput(dir, { perPrompt: 4 }), who.alice);
    const lines: string[] = [];
    let deleted = false;
    const stats = await startWorker({
      evaluator: ev,
      workerId: "w",
      exitWhenIdle: true,
      chunkSize: 2,
      log: (l) => {
        lines.push(l);
        // The owner deletes the run once the worker has committed its first chunk: its next write finds no lease.
        if (!deleted && /samples scored/.test(l)) {
          deleted = true;
          deleteRun(run.id, who.alice);
        }
      },
    });
    expect(deleted).toBe(true);
    expect(
      lines.some((l) => new RegExp(`job 1 ended: run ${run.id} was deleted while it was being scored`).test(l)),
    ).toBe(true);
    expect(lines.some((l) => /another worker has it|failed/.test(l))).toBe(false);
    expect(stats).toMatchObject({ jobsDone: 0, jobsFailed: 0, jobsRequeued: 0, leasesLost: 0 });
  });
});
