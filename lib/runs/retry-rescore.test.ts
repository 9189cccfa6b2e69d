import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { jobs, runScores, runs, sampleScores, samples } from "../../db/schema";
import { ClipEvaluator } from "../clip/evaluator";
import { claimJob } from "../jobs/claim-job";
import { failJob } from "../jobs/fail-job";
import { startWorker } from "../workers/run-worker";
import { createRun } from "./create-run";
import { getRunOrThrow } from "./get-run-or-throw";
import { rescoreHint, rescoreHintLine } from "./rescore-hint";
import { countRunsLackingScores, rescoreRun, rescoreRuns } from "./rescore-run";
import { retryRun } from "./retry-run";
import { FIXTURE_MODEL, countRows, makeRunInput } from "../../tools/test-support/runs";
import { dataDirPerTest } from "../../tools/test-support/setup";

let evA: ClipEvaluator;
let evB: ClipEvaluator;
let otherModel: string;

beforeAll(async () => {
  evA = await ClipEvaluator.load(FIXTURE_MODEL, { threads: 1 });
  // A second evaluator: the same weights with another config.json, so another identity (as after fetch-model).
  otherModel = fs.mkdtempSync(path.join(os.tmpdir(), "t2i-model-"));
  fs.cpSync(FIXTURE_MODEL, otherModel, { recursive: true });
  const cfgFile = path.join(otherModel, "config.json");
  fs.writeFileSync(
    cfgFile,
    JSON.stringify({ ...JSON.parse(fs.readFileSync(cfgFile, "utf8")), t2i_note: "second evaluator" }),
  );
  evB = await ClipEvaluator.load(otherModel, { threads: 1 });
  expect(evB.identity.id).not.toBe(evA.identity.id);
});
afterAll(async () => {
  await evA.release();
  await evB.release();
  fs.rmSync(otherModel, { recursive: true, force: true });
});
const data = dataDirPerTest();

const quiet = { log: () => {}, pollMs: 10, exitWhenIdle: true };
const runRow = (id: string) => getDb().select().from(runs).where(eq(runs.id, id)).get()!;

/** Fails the run's job for good, as three crashed workers would. */
function failRunJob(runId: string) {
  for (;;) {
    const job = claimJob("w", 60_000)!;
    expect(job.runId).toBe(runId);
    if (failJob(job.id, "w", "disk on fire") === "failed") break;
  }
  expect(runRow(runId)).toMatchObject({ status: "failed" });
}

describe("retryRun", () => {
  it("re-queues a failed run with a fresh job, tries its failed samples again, and it ends scored", async () => {
    const { run } = await createRun(await makeRunInput(data.dir));
    await startWorker({ ...quiet, evaluator: evA, workerId: "a" });
    // Pretend two samples failed to read and the run then failed.
    const ids = getDb().select({ id: samples.id }).from(samples).where(eq(samples.runId, run.id)).all().slice(0, 2);
    for (const { id } of ids)
      getDb()
        .update(sampleScores)
        .set({ cosine: null, errorCode: "image_unreadable", errorMessage: "EIO" })
        .where(eq(sampleScores.sampleId, id))
        .run();
    getDb().update(runs).set({ status: "failed", error: "every sample failed" }).where(eq(runs.id, run.id)).run();

    const retried = retryRun(run.id);
    expect(retried).toMatchObject({ status: "queued", error: null, progressDone: 7 });
    expect(
      getDb()
        .select()
        .from(jobs)
        .where(and(eq(jobs.runId, run.id), eq(jobs.status, "queued")))
        .all(),
    ).toHaveLength(1);
    await startWorker({ ...quiet, evaluator: evA, workerId: "b" });
    const after = getRunOrThrow(run.id);
    expect(after).toMatchObject({ status: "scored", errors: [] });
    expect(after.progress).toMatchObject({ done: 9, total: 9 });
  });

  it("answers 404 for an unknown run and 409 for a run that did not fail", async () => {
    const { run } = await createRun(await makeRunInput(data.dir));
    expect(() => retryRun("run_nope")).toThrow(expect.objectContaining({ code: "not_found", status: 404 }));
    expect(() => retryRun(run.id)).toThrow(
      expect.objectContaining({
        code: "conflict",
        status: 409,
        message: expect.stringMatching(/is queued; only failed runs/),
      }),
    );
  });

  it("re-queues a failed run on an identical re-upload instead of answering duplicate; a scored one stays a duplicate", async () => {
    const input = await makeRunInput(data.dir, { folder: "first" });
    const { run } = await createRun(input);
    failRunJob(run.id);
    const again = await createRun(await makeRunInput(data.dir, { folder: "second" }));
    expect(again).toMatchObject({ duplicate: true, requeued: true, run: { id: run.id, status: "queued" } });
    await startWorker({ ...quiet, evaluator: evA, workerId: "c" });
    expect(runRow(run.id).status).toBe("scored");
    const third = await createRun(await makeRunInput(data.dir, { folder: "third" }));
    expect(third).toEqual({ duplicate: true, run: expect.objectContaining({ id: run.id, status: "scored" }) });
    expect(countRows(runs)).toBe(1);
  });
});

describe("rescoreRun / rescoreRuns", () => {
  it("scores runs with a newly installed evaluator, keeping the old scores, and counts what still lacks them", async () => {
    const a = (await createRun(await makeRunInput(data.dir, { folder: "a", variant: "v1" }))).run;
    const b = (
      await createRun({
        ...(await makeRunInput(data.dir, { folder: "b", seedBase: 1, variant: "v2" })),
        guidanceScale: 2,
      })
    ).run;
    await startWorker({ ...quiet, evaluator: evA, workerId: "a" });
    expect(countRunsLackingScores(evA.identity.id)).toBe(0);
    expect(countRunsLackingScores(evB.identity.id)).toBe(2);
    // The service (T2I_MODEL_DIR = the fixture, evaluator A) has nothing to offer yet.
    expect(await rescoreHint()).toEqual({ evaluator: evA.identity.id, runsLackingScores: 0, command: null });
    expect(
      rescoreHintLine({ evaluator: evB.identity.id, runsLackingScores: 2, command: "npm run runs -- rescore --all" }),
    ).toBe(
      `2 scored runs lack scores from the installed evaluator ${evB.identity.id}; re-score with (in the project folder on this machine): npm run runs -- rescore --all`,
    );

    // One run through the single-run verb, the other through the variant filter.
    expect(rescoreRun(a.id, evB.identity.id)).toMatchObject({ queued: true, status: "queued" });
    expect(runRow(a.id)).toMatchObject({ status: "queued", progressDone: 0 });
    expect(() => rescoreRun(a.id, evB.identity.id)).toThrow(expect.objectContaining({ code: "conflict" }));
    expect(rescoreRuns(evB.identity.id, { variant: "v2" })).toEqual({ queued: [b.id] });
    expect(() => rescoreRuns(evB.identity.id, { variant: "nope" })).toThrow(
      expect.objectContaining({ code: "not_found" }),
    );

    const lines: string[] = [];
    await startWorker({ ...quiet, evaluator: evB, workerId: "b", log: (l) => lines.push(l) });
    expect(lines.some((l) => /9\/9 samples scored/.test(l))).toBe(true);
    for (const id of [a.id, b.id]) {
      expect(runRow(id)).toMatchObject({ status: "scored", evaluatorId: evB.identity.id, progressDone: 9 });
      const evs = getDb()
        .select({ e: runScores.evaluatorId })
        .from(runScores)
        .where(eq(runScores.runId, id))
        .all()
        .map((r) => r.e)
        .sort();
      expect(evs).toEqual([evA.identity.id, evB.identity.id].sort());
      // The old evaluator's scores are still readable.
      expect(getRunOrThrow(id, { evaluatorId: evA.identity.id }).metrics?.evaluatorId).toBe(evA.identity.id);
    }
    expect(countRows(sampleScores)).toBe(36);
    expect(countRunsLackingScores(evB.identity.id)).toBe(0);
    expect(rescoreRun(a.id, evB.identity.id)).toMatchObject({
      queued: false,
      message: expect.stringMatching(/already has scores/),
    });
    expect(rescoreRuns(evB.identity.id)).toEqual({ queued: [] });
  });

  it("leaves demo runs (toy-world results) to the toy-world evaluator: no re-score, no count, no claim by another evaluator's worker", async () => {
    const demo = (await createRun(await makeRunInput(data.dir, { folder: "d", variant: "demo-v" }))).run;
    getDb().update(runs).set({ isDemo: true }).where(eq(runs.id, demo.id)).run();
    // A worker with the fixture evaluator leaves the demo run's job queued.
    await startWorker({ ...quiet, evaluator: evA, workerId: "fixture" });
    expect(runRow(demo.id)).toMatchObject({ status: "queued" });
    expect(claimJob("fixture-again", 60_000, Date.now(), { demoRuns: false })).toBeUndefined();
    // The demo's own (here: any) worker scores it.
    expect(claimJob("demo-worker", 60_000)).toMatchObject({ runId: demo.id });
    getDb().delete(jobs).run();
    getDb().update(runs).set({ status: "scored" }).where(eq(runs.id, demo.id)).run();
    expect(countRunsLackingScores(evB.identity.id)).toBe(0);
    expect(rescoreRuns(evB.identity.id)).toEqual({ queued: [] });
    expect(() => rescoreRun(demo.id, evB.identity.id)).toThrow(
      expect.objectContaining({ code: "conflict", message: expect.stringMatching(/demo run/) }),
    );
  });

  it("resumes an interrupted re-score without redoing the samples it already scored", async () => {
    const { run } = await createRun(await makeRunInput(data.dir, { perPrompt: 6 }));
    await startWorker({ ...quiet, evaluator: evA, workerId: "a" });
    rescoreRun(run.id, evB.identity.id);
    // The first worker under B commits one chunk of 8 and stops (as if preempted).
    const stop = new AbortController();
    const first = startWorker({
      ...quiet,
      evaluator: evB,
      workerId: "b1",
      chunkSize: 8,
      signal: stop.signal,
      log: (l) => /samples scored/.test(l) && stop.abort(),
    });
    await first;
    expect(runRow(run.id)).toMatchObject({ status: "queued", progressDone: 8 });
    const lines: string[] = [];
    await startWorker({ ...quiet, evaluator: evB, workerId: "b2", chunkSize: 8, log: (l) => lines.push(l) });
    expect(runRow(run.id)).toMatchObject({ status: "scored", progressDone: 18, imagesEmbedded: 18 + 18 });
    expect(lines.filter((l) => /samples scored/.test(l))).toHaveLength(2);
  });

  it("refuses unknown (404), failed and in-progress (409) runs", async () => {
    const { run } = await createRun(await makeRunInput(data.dir));
    expect(() => rescoreRun("run_nope", evB.identity.id)).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => rescoreRun(run.id, evB.identity.id)).toThrow(
      expect.objectContaining({ status: 409, message: expect.stringMatching(/is queued/) }),
    );
    failRunJob(run.id);
    expect(() => rescoreRun(run.id, evB.identity.id)).toThrow(
      expect.objectContaining({ status: 409, message: expect.stringMatching(/retry it/) }),
    );
  });
});
