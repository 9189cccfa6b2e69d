import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../db/client";
import { jobs, runs } from "../../db/schema/index";
import { ClipEvaluator } from "../clip/evaluator";
import { createRun } from "../runs/create-run";
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
afterEach(() => {
  vi.restoreAllMocks();
  removeDataDir(dir);
});

const quiet = { log: () => {}, evaluator: undefined as ClipEvaluator | undefined, pollMs: 10 };

describe("startWorker", () => {
  it("scores queued runs one after another and returns when idle", async () => {
    const a = (await createRun(await makeRunInput(dir, { folder: "a" }))).run;
    const b = (await createRun({ ...(await makeRunInput(dir, { folder: "b", seedBase: 1 })), guidanceScale: 2 })).run;
    const lines: string[] = [];
    const stats = await startWorker({
      ...quiet,
      evaluator: ev,
      workerId: "w",
      exitWhenIdle: true,
      log: (l) => lines.push(l),
    });
    expect(stats).toEqual({ jobsDone: 2, jobsFailed: 0, jobsRequeued: 0, leasesLost: 0 });
    for (const r of [a, b]) expect(getDb().select().from(runs).where(eq(runs.id, r.id)).get()!.status).toBe("scored");
    expect(lines.some((l) => /samples scored/.test(l))).toBe(true);
  });

  it("picks up a run queued while it waits, and on stop hands its job back without using an attempt", async () => {
    const controller = new AbortController();
    const worker = startWorker({
      ...quiet,
      evaluator: ev,
      workerId: "w",
      chunkSize: 1,
      signal: controller.signal,
      pollMs: 60_000,
    });
    const { run } = await createRun(await makeRunInput(dir));
    // Woken by the enqueue rather than by its 60 s poll; stop it after its first committed chunk.
    for (;;) {
      const r = getDb().select().from(runs).where(eq(runs.id, run.id)).get()!;
      if (r.progressDone > 0) break;
      await new Promise((res) => setTimeout(res, 2));
    }
    controller.abort();
    expect(await worker).toMatchObject({ jobsDone: 0 });
    expect(getDb().select().from(jobs).get()).toMatchObject({ status: "queued", attempts: 0, leaseOwner: null });
    const r = getDb().select().from(runs).where(eq(runs.id, run.id)).get()!;
    expect(r.status).toBe("queued");
    expect(r.progressDone).toBeGreaterThan(0);
    expect(r.progressDone).toBeLessThan(9);
  });

  it("requeues a failing job and fails its run after the last attempt", async () => {
    const { run } = await createRun(await makeRunInput(dir));
    vi.spyOn(ev, "embedTexts").mockRejectedValue(new Error("tokenizer exploded"));
    const stats = await startWorker({ ...quiet, evaluator: ev, workerId: "w", exitWhenIdle: true });
    expect(stats).toMatchObject({ jobsDone: 0, jobsRequeued: 2, jobsFailed: 1 });
    expect(getDb().select().from(jobs).get()).toMatchObject({ status: "failed", attempts: 3 });
    expect(getDb().select().from(runs).where(eq(runs.id, run.id)).get()).toMatchObject({
      status: "failed",
      error: "failed after 3 attempts: tokenizer exploded",
    });
  });
});
