// Remote scoring workers (`npm run worker -- --server URL`): the real worker routes served over
// HTTP from this process's data folder, and the scoring loop on the HTTP job source. The numbers
// equal the in-process worker's; a wrong token or evaluator, a lost lease and repeated posts get
// the protocol's answers; a SIGKILLed remote worker's run is finished by another one with exactly
// one score per sample.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { asc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import {
  embeddings,
  jobs,
  promptScores,
  referenceScores,
  runScores,
  runs,
  sampleScores,
  samples,
} from "../../../db/schema";
import { ClipEvaluator } from "../../clip/evaluator";
import { TOY_MODEL_DIR } from "../../clip/resolve-model";
import { createWorkerToken, revokeWorkerToken } from "../../auth/worker-tokens";
import { claimJob } from "../../jobs/claim-job";
import { createPromptSet } from "../../prompt-sets/create-prompt-set";
import { createReferenceSet } from "../../reference-sets/create-reference-set";
import { createRun } from "../../runs/create-run";
import {
  FIXTURE_MODEL,
  PROMPTS,
  countRows,
  makeRunInput,
  removeDataDir,
  stageImage,
  useTempDataDir,
} from "../../../tools/test-support/runs";
import { startRouteServer, type RouteServer } from "../../../tools/test-support/route-server";
import { spawnWorker, waitFor } from "../../../tools/test-support/worker-process";
import { StopWorkerError } from "../job-source";
import { startWorker } from "../run-worker";
import { remoteJobSource } from "./remote-job-source";
import { ScoringApi } from "./scoring-api";

const ROUTES = ["app/api/v1/worker/jobs", "app/api/v1/worker/images"];
const quiet = () => {};
let ev: ClipEvaluator;
beforeAll(async () => {
  ev = await ClipEvaluator.load(FIXTURE_MODEL, { threads: 1, batchSize: 8 });
});
afterAll(() => ev.release());

const dirs: string[] = [];
let server: RouteServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  dirs.splice(0).forEach(removeDataDir);
});

/** A fresh data folder served over HTTP, and a worker token for it. */
async function serve(env: Record<string, string> = {}) {
  const dir = useTempDataDir(env);
  dirs.push(dir);
  server = await startRouteServer(ROUTES);
  const token = createWorkerToken("scorer");
  return { dir, url: server.url, token };
}

function remoteWorker(url: string, token: string, workerId = "r1", evaluator = ev) {
  const api = new ScoringApi({ serverUrl: url, token, workerId, attempts: 2, backoff: { baseMs: 10, maxMs: 20 } });
  return startWorker({
    evaluator,
    workerId,
    source: remoteJobSource({ api, waitSeconds: 0 }),
    exitWhenIdle: true,
    chunkSize: 5,
    log: quiet,
  });
}

/** What the scorer stored for a run, keyed by what stays equal across data folders. */
function stored(runId: string) {
  const db = getDb();
  return {
    samples: db
      .select({ file: samples.fileName, cosine: sampleScores.cosine, errorCode: sampleScores.errorCode })
      .from(sampleScores)
      .innerJoin(samples, eq(samples.id, sampleScores.sampleId))
      .where(eq(samples.runId, runId))
      .orderBy(asc(samples.fileName))
      .all(),
    prompts: db
      .select({
        n: promptScores.n,
        clipScore: promptScores.clipScore,
        diversity: promptScores.diversity,
        vendi: promptScores.vendi,
      })
      .from(promptScores)
      .where(eq(promptScores.runId, runId))
      .orderBy(asc(promptScores.promptId))
      .all(),
    run: db
      .select({ n: runScores.n, clipScore: runScores.clipScore, diversity: runScores.diversity, ci: runScores.ci })
      .from(runScores)
      .where(eq(runScores.runId, runId))
      .all(),
    status: db
      .select({ status: runs.status, done: runs.progressDone, embedded: runs.imagesEmbedded })
      .from(runs)
      .where(eq(runs.id, runId))
      .get(),
    embeddings: countRows(embeddings),
  };
}

async function call(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

describe("remote scoring workers", () => {
  it("score a run over HTTP with exactly the numbers of the in-process worker", async () => {
    const local = useTempDataDir();
    dirs.push(local);
    const { run: localRun } = await createRun(await makeRunInput(local, { perPrompt: 4, folder: "a" }));
    expect(await startWorker({ evaluator: ev, exitWhenIdle: true, chunkSize: 5, log: quiet })).toMatchObject({
      jobsDone: 1,
    });
    const inProcess = stored(localRun.id);

    const { dir, url, token } = await serve();
    const { run } = await createRun(await makeRunInput(dir, { perPrompt: 4, folder: "a" }));
    const stats = await remoteWorker(url, token.secret);
    expect(stats).toEqual({ jobsDone: 1, jobsFailed: 0, jobsRequeued: 0, leasesLost: 0 });
    const remote = stored(run.id);
    expect(remote.status).toMatchObject({ status: "scored", done: 12, embedded: 12 });
    expect(remote).toEqual(inProcess);
    expect(getDb().select({ leaseOwner: jobs.leaseOwner, status: jobs.status }).from(jobs).all()).toEqual([
      { leaseOwner: null, status: "done" },
    ]);
  });

  it("compares a run with a reference set over HTTP as the in-process worker does", async () => {
    const prompts = PROMPTS.slice(0, 3);
    const results: unknown[] = [];
    for (const remote of [false, true]) {
      const dir = remote ? (await serve()).dir : useTempDataDir();
      if (!remote) dirs.push(dir);
      createPromptSet({ name: "shapes", prompts: prompts.map((prompt) => ({ prompt })) });
      const items = [];
      for (let p = 0; p < prompts.length; p++)
        for (let k = 0; k < 4; k++) {
          const img = await stageImage(dir, "ref", `r${p}-${k}.png`, {
            shape: p,
            color: p + 1,
            seed: 500 + p * 10 + k,
          });
          items.push({ ...img, fileName: `r${p}-${k}.png`, prompt: prompts[p]! });
        }
      await createReferenceSet({ name: "shapes-real", promptSet: "shapes", items });
      const { run } = await createRun({
        ...(await makeRunInput(dir, { prompts, perPrompt: 4, folder: "b" })),
        promptSet: "shapes",
      });
      const stats = remote
        ? await remoteWorker(server!.url, createWorkerToken("ref").secret)
        : await startWorker({ evaluator: ev, exitWhenIdle: true, chunkSize: 5, log: quiet });
      expect(stats.jobsDone).toBe(2);
      const row = getDb().select().from(referenceScores).where(eq(referenceScores.runId, run.id)).get()!;
      const {
        seconds: _s,
        referenceSet: { id: _id, ...set },
        ...metrics
      } = row.metrics as unknown as Record<string, any>;
      results.push({ ...metrics, set });
    }
    expect(results[1]).toEqual(results[0]);
    expect((results[1] as { nReference: number }).nReference).toBe(12);
  });

  it("refuses a missing, unknown or revoked token with 401, and a worker with another evaluator with 409 naming both", async () => {
    const { dir, url, token } = await serve();
    await createRun(await makeRunInput(dir));
    const claim = { workerId: "w", evaluator: ev.identity, waitSeconds: 0 };
    expect((await call(url, "", "POST", "/api/v1/worker/jobs/claim", claim)).status).toBe(401);
    expect((await call(url, "t2iw_nope", "POST", "/api/v1/worker/jobs/claim", claim)).status).toBe(401);
    revokeWorkerToken(token.id);
    const revoked = await call(url, token.secret, "POST", "/api/v1/worker/jobs/claim", claim);
    expect(revoked).toMatchObject({ status: 401, body: { error: { code: "unauthorized" } } });

    const other = createWorkerToken("other").secret;
    const toy = await ClipEvaluator.load(TOY_MODEL_DIR, { threads: 1 });
    try {
      const wrong = await call(url, other, "POST", "/api/v1/worker/jobs/claim", { ...claim, evaluator: toy.identity });
      expect(wrong.status).toBe(409);
      expect(wrong.body!.error.code).toBe("evaluator_mismatch");
      expect(wrong.body!.error.details).toMatchObject({
        worker: { id: toy.identity.id, name: toy.identity.name },
        required: { id: ev.identity.id, name: ev.identity.name },
      });
      expect(wrong.body!.error.message).toContain(toy.identity.id);
      expect(wrong.body!.error.message).toContain(ev.identity.id);
      // The worker stops and says why, instead of polling for jobs it could never do.
      await expect(remoteWorker(url, other, "toy", toy)).rejects.toThrow(StopWorkerError);
      // An identity whose id is not its files' digest is refused as invalid.
      const forged = await call(url, other, "POST", "/api/v1/worker/jobs/claim", {
        ...claim,
        evaluator: { ...toy.identity, id: ev.identity.id },
      });
      expect(forged.status).toBe(422);
    } finally {
      await toy.release();
    }
    // Nothing was claimed by any of these.
    expect(getDb().select({ status: jobs.status, attempts: jobs.attempts }).from(jobs).get()).toEqual({
      status: "queued",
      attempts: 0,
    });
  });

  it("answers a lost lease with 409 lease_lost and writes nothing; a repeated post is an idempotent 200", async () => {
    const { dir, url, token } = await serve({ T2I_JOB_LEASE_MS: "60000" });
    const { run } = await createRun(await makeRunInput(dir));
    const s = token.secret;
    const who = { workerId: "w1", evaluatorId: ev.identity.id };
    const claimed = await call(url, s, "POST", "/api/v1/worker/jobs/claim", {
      workerId: "w1",
      evaluator: ev.identity,
      waitSeconds: 0,
    });
    expect(claimed.status).toBe(200);
    const jobId = claimed.body!.job.id as number;
    expect((await call(url, s, "POST", `/api/v1/worker/jobs/${jobId}/begin`, who)).body).toEqual({ total: 9 });
    const q = new URLSearchParams({ ...who, after: "0", limit: "4" });
    const chunk = (await call(url, s, "GET", `/api/v1/worker/jobs/${jobId}/samples?${q}`)).body!;
    expect(chunk.samples).toHaveLength(4);
    const scores = (chunk.samples as { sampleId: number }[]).map((x) => ({
      sampleId: x.sampleId,
      cosine: 0.25,
      errorCode: null,
      errorMessage: null,
    }));
    const post = { ...who, scores, embeddings: [], imagesEmbedded: 4, imageCacheHits: 0 };
    const first = await call(url, s, "POST", `/api/v1/worker/jobs/${jobId}/results`, post);
    expect(first).toEqual({ status: 200, body: { done: 4 } });
    const again = await call(url, s, "POST", `/api/v1/worker/jobs/${jobId}/results`, post);
    expect(again).toEqual({ status: 200, body: { done: 4 } });
    const runRow = () => getDb().select().from(runs).where(eq(runs.id, run.id)).get()!;
    expect(runRow()).toMatchObject({ progressDone: 4, imagesEmbedded: 4 });
    expect(countRows(sampleScores)).toBe(4);

    // A score for a sample of another run is refused.
    const bad = await call(url, s, "POST", `/api/v1/worker/jobs/${jobId}/results`, {
      ...post,
      scores: [{ ...scores[0]!, sampleId: 999_999 }],
    });
    expect(bad.status).toBe(422);

    // Another worker takes the job over (the lease ran out); w1's next chunk is refused and not stored.
    expect(claimJob("elsewhere", 60_000, Date.now() + 61_000)).toMatchObject({ id: jobId });
    const rest = (chunk.samples as { sampleId: number }[]).length;
    const late = await call(url, s, "POST", `/api/v1/worker/jobs/${jobId}/results`, {
      ...post,
      scores: [{ sampleId: scores[0]!.sampleId + rest, cosine: 0.5, errorCode: null, errorMessage: null }],
    });
    expect(late.status).toBe(409);
    expect(late.body!.error).toMatchObject({ code: "lease_lost", details: { jobId } });
    expect(late.body!.error.message).toMatch(/another worker holds it now/);
    expect(countRows(sampleScores)).toBe(4);
    expect((await call(url, s, "POST", `/api/v1/worker/jobs/${jobId}/heartbeat`, { workerId: "w1" })).status).toBe(409);
    expect((await call(url, s, "POST", `/api/v1/worker/jobs/${jobId}/complete`, who)).status).toBe(409);
  });

  it("finishes a SIGKILLed remote worker's run in another remote worker, with one score per sample", async () => {
    const { dir, url, token } = await serve({ T2I_JOB_LEASE_MS: "1500" });
    const input = await makeRunInput(dir, { prompts: PROMPTS, perPrompt: 12, folder: "k" });
    const { run } = await createRun(input);
    // The workers' own data folder: it must never be made (they keep nothing on disk).
    const workerDataDir = path.join(os.tmpdir(), `t2i-remote-worker-${process.pid}-${Date.now()}`);
    const env = { T2I_SCORE_CHUNK: "8", T2I_THREADS: "1", T2I_WORKER_TOKEN: token.secret, T2I_DATA_DIR: workerDataDir };
    const args = ["--server", url, "--model", "fixture"];
    const w1 = spawnWorker("k1", env, args);
    await waitFor("k1 to commit a chunk", () => /samples scored/.test(w1.output()), 60_000);
    w1.child.kill("SIGKILL");
    await w1.exited;
    const mid = getDb().select().from(runs).where(eq(runs.id, run.id)).get()!;
    expect(mid.status).toBe("scoring");
    expect(mid.progressDone).toBeGreaterThan(0);
    expect(mid.progressDone).toBeLessThan(input.items.length);

    const w2 = spawnWorker("k2", env, args);
    await waitFor(
      "the run to be scored",
      () => getDb().select().from(runs).where(eq(runs.id, run.id)).get()!.status === "scored",
      90_000,
    );
    w2.child.kill("SIGTERM");
    expect(await w2.exited).toBe(0);
    expect(w2.output()).toMatch(/working for http:\/\/127\.0\.0\.1/);
    expect(countRows(sampleScores)).toBe(input.items.length);
    const job = getDb().select().from(jobs).get()!;
    expect(job).toMatchObject({ status: "done", leaseOwner: null });
    expect(fs.existsSync(workerDataDir)).toBe(false);
  }, 180_000);
});
