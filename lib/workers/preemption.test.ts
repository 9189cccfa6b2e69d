// Attempts count claims that made no progress: a long run whose workers are killed again and
// again after committing chunks is scored in the end, while a job that never advances still
// stops after maxAttempts (claim-job.test.ts).
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { jobs, promptScores, runScores, runs, sampleScores, samples } from "../../db/schema/index";
import { createRun } from "../runs/create-run";
import { PROMPTS, countRows, makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { claimJob } from "../jobs/claim-job";
import { failJob } from "../jobs/fail-job";
import { spawnWorker, waitFor } from "../../tools/test-support/worker-process";

const dirs: string[] = [];
// Removing 2,000 stored images can take a while on a busy machine.
afterAll(() => dirs.forEach(removeDataDir), 60_000);

const WORKER_ENV = {
  T2I_JOB_LEASE_MS: "1500",
  T2I_JOB_HEARTBEAT_MS: "200",
  T2I_JOB_POLL_MS: "50",
  T2I_SCORE_CHUNK: "64",
  T2I_THREADS: "1",
};

const startWorker = (id: string) => spawnWorker(id, WORKER_ENV);

describe("attempts and preemption", () => {
  it("scores a 2,000-sample run whose worker is SIGKILLed 5 times after progress, with no duplicate score", async () => {
    const dir = useTempDataDir();
    dirs.push(dir);
    const input = await makeRunInput(dir, { prompts: PROMPTS, perPrompt: 250, folder: "big" });
    const { run } = await createRun(input);
    const total = input.items.length;
    expect(total).toBe(2000);
    const progress = () => getDb().select().from(runs).where(eq(runs.id, run.id)).get()!.progressDone;

    let last = 0;
    for (let k = 1; k <= 5; k++) {
      const w = startWorker(`w${k}`);
      const before = last;
      last = await waitFor(`worker w${k} to commit a chunk`, () => progress() > before && progress(), 60_000);
      w.child.kill("SIGKILL");
      await w.exited;
      expect(w.output()).toMatch(new RegExp(`claimed job 1 \\(run ${run.id}, attempt 1/3\\)`));
      // Still unfinished and still owned by the killed worker: the next one waits for its lease.
      expect(getDb().select().from(jobs).get()).toMatchObject({ status: "running", leaseOwner: `w${k}`, attempts: 1 });
    }
    expect(last).toBeLessThan(total);

    const final = startWorker("w6");
    await waitFor(
      "the run to be scored",
      () => getDb().select().from(runs).where(eq(runs.id, run.id)).get()!.status === "scored",
      120_000,
    );
    final.child.kill("SIGTERM");
    expect(await final.exited).toBe(0);
    expect(getDb().select().from(jobs).get()).toMatchObject({ status: "done", attempts: 1, leaseOwner: null });
    expect(getDb().select().from(runs).where(eq(runs.id, run.id)).get()).toMatchObject({
      status: "scored",
      progressDone: total,
      error: null,
    });
    // One score per sample, one row per prompt, one run row: nothing counted twice.
    expect(countRows(sampleScores)).toBe(total);
    expect(countRows(samples)).toBe(total);
    expect(countRows(promptScores)).toBe(PROMPTS.length);
    expect(getDb().select().from(runScores).all()).toEqual([expect.objectContaining({ n: total, failed: 0 })]);
  }, 300_000);

  it("still fails a job after maxAttempts claims that made no progress", async () => {
    const dir = useTempDataDir();
    dirs.push(dir);
    const { run } = await createRun(await makeRunInput(dir, { perPrompt: 1 }));
    const T0 = 1_700_000_000_000;
    // Attempt 1 advances the run, then its worker vanishes: attempt 2 starts the count again.
    expect(claimJob("a", 1000, T0)).toMatchObject({ attempts: 1, progressMark: 0 });
    getDb().update(runs).set({ progressDone: 2 }).where(eq(runs.id, run.id)).run();
    expect(claimJob("b", 1000, T0 + 2000)).toMatchObject({ attempts: 1, progressMark: 2 });
    // A failure after progress is requeued even on what would have been the last attempt.
    getDb().update(jobs).set({ attempts: 3 }).run();
    getDb().update(runs).set({ progressDone: 3 }).where(eq(runs.id, run.id)).run();
    expect(failJob(1, "b", "OOM")).toBe("requeued");
    // From here on nothing advances: claims 1, 2, 3, then the job and its run fail.
    let now = T0 + 4000;
    for (const attempt of [1, 2, 3]) {
      expect(claimJob(`c${attempt}`, 1000, now)).toMatchObject({ attempts: attempt });
      now += 1001;
    }
    expect(claimJob("d", 1000, now)).toBeUndefined();
    expect(getDb().select().from(runs).where(eq(runs.id, run.id)).get()).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/gave up after 3 attempts/),
    });
  });
});
