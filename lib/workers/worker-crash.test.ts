// A worker killed with SIGKILL mid-run loses nothing: its lease expires, another worker
// resumes the remaining samples, and the stored results equal an uninterrupted run's.
import { asc, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { embeddings, jobs, promptScores, prompts, runScores, runs, sampleScores, samples } from "../../db/schema/index";
import { ClipEvaluator } from "../clip/evaluator";
import { createRun } from "../runs/create-run";
import { scoreRun } from "../runs/score-run";
import {
  FIXTURE_MODEL,
  PROMPTS,
  countRows,
  makeRunInput,
  removeDataDir,
  useTempDataDir,
} from "../../tools/test-support/runs";
import { spawnWorker, waitFor } from "../../tools/test-support/worker-process";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDataDir));

const WORKER_ENV = {
  T2I_JOB_LEASE_MS: "1500",
  T2I_JOB_HEARTBEAT_MS: "200",
  T2I_JOB_POLL_MS: "50",
  T2I_SCORE_CHUNK: "8",
  T2I_THREADS: "1",
};

const startWorker = (id: string) => spawnWorker(id, WORKER_ENV);

/** Everything the scorer stored, keyed by what stays the same across data dirs. */
function snapshot(runId: string) {
  const db = getDb();
  const sampleRows = db
    .select({ file: samples.fileName, cosine: sampleScores.cosine, errorCode: sampleScores.errorCode })
    .from(sampleScores)
    .innerJoin(samples, eq(samples.id, sampleScores.sampleId))
    .where(eq(samples.runId, runId))
    .orderBy(asc(samples.fileName))
    .all();
  const promptRows = db
    .select({
      prompt: prompts.text,
      n: promptScores.n,
      failed: promptScores.failed,
      clipScore: promptScores.clipScore,
      clipS: promptScores.clipS,
      diversity: promptScores.diversity,
      vendi: promptScores.vendi,
    })
    .from(promptScores)
    .innerJoin(prompts, eq(prompts.id, promptScores.promptId))
    .where(eq(promptScores.runId, runId))
    .orderBy(asc(prompts.text))
    .all();
  const runRow = db.select().from(runScores).where(eq(runScores.runId, runId)).all();
  return {
    sampleRows,
    promptRows,
    runRow,
    counts: {
      sampleScores: countRows(sampleScores),
      promptScores: countRows(promptScores),
      runScores: countRows(runScores),
      embeddings: countRows(embeddings),
    },
  };
}

function expectClose(a: number | null, b: number | null) {
  if (a === null || b === null) expect(a).toBe(b);
  else expect(a).toBeCloseTo(b, 6);
}

describe("worker crash recovery", () => {
  it("resumes a SIGKILLed worker's run in another worker with results equal to an uninterrupted run", async () => {
    const PER_PROMPT = 25; // 8 prompts × 25 = 200 images
    // --- interrupted, in data dir A
    const a = useTempDataDir();
    dirs.push(a);
    const inputA = await makeRunInput(a, { prompts: PROMPTS, perPrompt: PER_PROMPT, folder: "a" });
    const { run } = await createRun(inputA);
    const total = inputA.items.length;
    expect(total).toBe(200);

    const w1 = startWorker("w1");
    await waitFor("w1 to commit a chunk", () => /samples scored/.test(w1.output()));
    w1.child.kill("SIGKILL");
    await w1.exited;
    const killedAt = getDb().select().from(runs).where(eq(runs.id, run.id)).get()!;
    expect(killedAt.progressDone).toBeGreaterThanOrEqual(1);
    expect(killedAt.progressDone).toBeLessThanOrEqual(total - 1);
    expect(killedAt.status).toBe("scoring");
    expect(getDb().select().from(jobs).get()).toMatchObject({ status: "running", leaseOwner: "w1", attempts: 1 });

    const w2 = startWorker("w2");
    await waitFor(
      "the run to be scored",
      () => getDb().select().from(runs).where(eq(runs.id, run.id)).get()!.status === "scored",
    );
    w2.child.kill("SIGTERM");
    expect(await w2.exited).toBe(0);
    // w1 committed progress before it died, so its attempt does not count (claim-job.ts).
    expect(w2.output()).toMatch(/claimed job 1 \(run run_\w+, attempt 1\/3\)/);

    const job = getDb().select().from(jobs).get()!;
    expect(job).toMatchObject({ status: "done", attempts: 1, leaseOwner: null });
    const finalRun = getDb().select().from(runs).where(eq(runs.id, run.id)).get()!;
    expect(finalRun).toMatchObject({ progressDone: total, progressTotal: total });
    // Every image was embedded exactly once across both workers (a killed chunk's work is redone, not counted twice).
    expect(finalRun.imagesEmbedded + finalRun.imageCacheHits).toBe(total);
    const interrupted = snapshot(run.id);

    // --- uninterrupted, in data dir B, same images, other chunking
    const b = useTempDataDir();
    dirs.push(b);
    const inputB = await makeRunInput(b, { prompts: PROMPTS, perPrompt: PER_PROMPT, folder: "b" });
    expect(inputB.items.map((i) => i.sha256)).toEqual(inputA.items.map((i) => i.sha256));
    const { run: runB } = await createRun(inputB);
    const ev = await ClipEvaluator.load(FIXTURE_MODEL, { threads: 1 });
    await scoreRun({ runId: runB.id, evaluator: ev, chunkSize: 64 });
    await ev.release();
    const clean = snapshot(runB.id);

    expect(interrupted.counts).toEqual({
      sampleScores: total,
      promptScores: PROMPTS.length,
      runScores: 1,
      embeddings: total + PROMPTS.length,
    });
    expect(interrupted.counts).toEqual(clean.counts);
    expect(interrupted.sampleRows.map((r) => r.file)).toEqual(clean.sampleRows.map((r) => r.file));
    interrupted.sampleRows.forEach((r, i) => {
      expect(r.errorCode).toBeNull();
      expectClose(r.cosine, clean.sampleRows[i]!.cosine);
    });
    interrupted.promptRows.forEach((r, i) => {
      const c = clean.promptRows[i]!;
      expect({ prompt: r.prompt, n: r.n, failed: r.failed }).toEqual({ prompt: c.prompt, n: c.n, failed: c.failed });
      for (const k of ["clipScore", "clipS", "diversity", "vendi"] as const) expectClose(r[k], c[k]);
    });
    const [ri, rc] = [interrupted.runRow[0]!, clean.runRow[0]!];
    expect({ n: ri.n, failed: ri.failed, groups: ri.groups }).toEqual({
      n: rc.n,
      failed: rc.failed,
      groups: rc.groups,
    });
    for (const k of ["clipScore", "clipS", "diversity", "vendi"] as const) {
      expectClose(ri[k], rc[k]);
      expectClose(ri.ci[k]!.low, rc.ci[k]!.low);
      expectClose(ri.ci[k]!.high, rc.ci[k]!.high);
    }
  });
});
