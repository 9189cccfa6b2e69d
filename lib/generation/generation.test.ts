import fs from "node:fs";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { ClipEvaluator } from "../clip/evaluator";
import { startWorker } from "../workers/run-worker";
import { getRunOrThrow } from "../runs/get-run-or-throw";
import { generations, generationTasks, images, jobs, runs, samples } from "../../db/schema";
import { isAppError, type AppError } from "../core/errors";
import { pathFor } from "../storage/content-store";
import { noise } from "../../tools/test-support/uploads";
import { countRows, FIXTURE_MODEL, removeDataDir, storedFiles, useTempDataDir } from "../../tools/test-support/runs";
import type { Actor } from "../auth/authorize-mutation";
import { cancelGeneration } from "./cancel-generation";
import { claimTask, claimTaskWaiting } from "./claim-task";
import { completeTask } from "./complete-task";
import { createGeneration, type CreateGenerationInput } from "./create-generation";
import { deriveSeed } from "./derive-seed";
import { failTask } from "./fail-task";
import { getGenerationOrThrow } from "./get-generation-or-throw";
import { heartbeatTask } from "./heartbeat-task";
import { listGenerations } from "./list-generations";
import { storeTaskSample } from "./store-task-sample";
import type { Task } from "./task-view";
import { body, GEN_PROMPTS, GEN_SIZE, samplePng, setupGenerationFixtures } from "../../tools/test-support/generations";

let dir: string;
let tokens: ReturnType<typeof setupGenerationFixtures>;
// The audit log keeps no foreign key, so an admin that exists only here is enough for cancel.
const ADMIN: Actor = { id: "key_test", name: "test-admin", role: "admin" };

beforeEach(() => {
  dir = useTempDataDir({ T2I_GEN_LEASE_MS: "60000", T2I_GEN_MAX_ATTEMPTS: "3" });
  tokens = setupGenerationFixtures();
});
afterEach(() => {
  removeDataDir(dir);
  for (const k of ["T2I_GEN_MAX_ATTEMPTS", "T2I_GEN_MAX_SAMPLES", "T2I_MAX_IMAGE_PIXELS", "T2I_MAX_IMAGE_BYTES"])
    delete process.env[k];
});

const request = (over: Partial<CreateGenerationInput> = {}): CreateGenerationInput => ({
  variant: "unclip-gen",
  promptSet: "gen-set",
  guidanceScales: [1, 3],
  samplesPerPrompt: 4,
  seed: 42,
  samplesPerTask: 2,
  size: GEN_SIZE,
  ...over,
});
const VARIANTS = ["unclip-gen"];
const T0 = 1_800_000_000_000;
const run = (id: string) => getDb().select().from(runs).where(eq(runs.id, id)).get()!;
const taskRow = (id: string) => getDb().select().from(generationTasks).where(eq(generationTasks.id, id)).get()!;

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

async function rejected(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isAppError(e)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
}

/** Uploads every sample a claimed task asks for, each picture distinct. */
async function uploadAll(task: Task, tokenId: string) {
  const shade = (s: { index: number }) =>
    s.index * 7 + task.guidanceScale * 40 + GEN_PROMPTS.findIndex((p) => p.id === task.prompt.id) * 3;
  for (const s of task.samples)
    await storeTaskSample({
      taskId: task.id,
      tokenId,
      index: s.index,
      body: body(await samplePng(shade(s), task.width, task.height)),
    });
}

describe("createGeneration", () => {
  it("creates one generating run per scale, split into prompt × range tasks", () => {
    const r = createGeneration(request());
    expect(r.runs.map((x) => [x.guidanceScale, x.status, x.source, x.generatedTotal, x.progressTotal])).toEqual([
      [1, "generating", "generated", 12, 12],
      [3, "generating", "generated", 12, 12],
    ]);
    expect(r).toMatchObject({ tasks: 2 * 3 * 2, samples: 24 });
    expect(r.generation).toMatchObject({
      status: "queued",
      seed: 42,
      steps: 50,
      sampler: "ddim",
      width: GEN_SIZE,
      height: GEN_SIZE,
      samplesPerTask: 2,
    });
    expect(r.runs[0]!.seedPolicy).toContain('sha256("42:<prompt id>:<sample index>")');
    const tasks = getDb().select().from(generationTasks).orderBy(generationTasks.position).all();
    expect(tasks.map((t) => [t.runId === r.runs[0]!.id ? "w1" : "w3", t.sampleFrom, t.sampleTo])).toEqual([
      ["w1", 0, 2],
      ["w1", 2, 4],
      ["w1", 0, 2],
      ["w1", 2, 4],
      ["w1", 0, 2],
      ["w1", 2, 4],
      ["w3", 0, 2],
      ["w3", 2, 4],
      ["w3", 0, 2],
      ["w3", 2, 4],
      ["w3", 0, 2],
      ["w3", 2, 4],
    ]);
    expect(tasks.every((t) => t.status === "queued" && t.attempts === 0 && t.maxAttempts === 3)).toBe(true);
    // No scoring job until the samples exist.
    expect(countRows(jobs)).toBe(0);

    const split = createGeneration(
      request({
        samplesPerTask: undefined,
        tasksPerPrompt: 3,
        samplesPerPrompt: 5,
        size: { width: 256, height: 128 },
        guidanceScales: [2],
      }),
    );
    expect(split.tasks).toBe(9);
    expect(split.generation).toMatchObject({ width: 256, height: 128, samplesPerTask: 2 });
  });

  it("refuses bad requests with 422 and writes nothing", () => {
    for (const bad of [
      request({ variant: "nope" }),
      request({ promptSet: "nope" }),
      request({ guidanceScales: [] }),
      request({ guidanceScales: [1, 1] }),
      request({ guidanceScales: Array.from({ length: 21 }, (_, i) => i) }),
      request({ samplesPerPrompt: 65 }),
      request({ seed: 2 ** 32 }),
      request({ seed: -1 }),
      request({ size: 500 }),
      request({ sampler: "euler" as "ddim" }),
      request({ tasksPerPrompt: 2 }),
      request({ samplesPerTask: undefined, tasksPerPrompt: 5 }),
      { ...request(), colour: "red" } as CreateGenerationInput,
    ]) {
      expect(thrown(() => createGeneration(bad)).status, JSON.stringify(bad)).toBe(422);
    }
    expect(thrown(() => createGeneration(request({ variant: "nope" }))).details).toEqual({ variant: "nope" });
    expect(countRows(generations) + countRows(runs) + countRows(generationTasks)).toBe(0);
  });

  it("caps the samples one request may ask for (T2I_GEN_MAX_SAMPLES)", () => {
    removeDataDir(dir);
    dir = useTempDataDir({ T2I_GEN_MAX_SAMPLES: "20" });
    setupGenerationFixtures();
    expect(thrown(() => createGeneration(request())).details).toEqual({ requested: 24, limit: 20 });
  });
});

describe("claiming tasks", () => {
  it("hands out tasks of declared variants only, in request order, run by run, with derived seeds", () => {
    const r = createGeneration(request());
    expect(claimTask(tokens.a.id, ["other-variant", "unknown"], { now: T0 })).toBeUndefined();
    const t = claimTask(tokens.a.id, VARIANTS, { now: T0, leaseMs: 1000 })!;
    expect(t).toMatchObject({
      attempt: 1,
      generationId: r.generation.id,
      runId: r.runs[0]!.id,
      variant: "unclip-gen",
      prompt: { id: "p1", text: "a red square" },
      negativePrompt: null,
      guidanceScale: 1,
      steps: 50,
      sampler: "ddim",
      width: GEN_SIZE,
      height: GEN_SIZE,
      leaseExpiresAt: new Date(T0 + 1000).toISOString(),
    });
    expect(t.samples).toEqual([
      { index: 0, seed: deriveSeed(42, "p1", 0) },
      { index: 1, seed: deriveSeed(42, "p1", 1) },
    ]);
    expect(taskRow(t.id)).toMatchObject({ status: "running", leaseOwner: tokens.a.id, attempts: 1 });
    expect(getGenerationOrThrow(r.generation.id).status).toBe("running");

    const next = claimTask(tokens.b.id, VARIANTS, { now: T0 })!;
    expect(next.id).not.toBe(t.id);
    expect([next.prompt.id, next.samples[0]!.index]).toEqual(["p1", 2]);
    const seen = new Set([t.id, next.id]);
    for (let t2 = claimTask(tokens.b.id, VARIANTS, { now: T0 }); t2; t2 = claimTask(tokens.b.id, VARIANTS, { now: T0 }))
      seen.add(t2.id);
    expect(seen.size).toBe(12);
  });

  it("gives an expired lease to the next worker; the old one gets 409 lease_lost everywhere", async () => {
    createGeneration(request({ guidanceScales: [1] }));
    const t = claimTask(tokens.a.id, VARIANTS, { now: T0, leaseMs: 1000 })!;
    expect(heartbeatTask(t.id, tokens.a.id, { now: T0 + 500, leaseMs: 1000 }).leaseExpiresAt.getTime()).toBe(T0 + 1500);
    expect(thrown(() => heartbeatTask(t.id, tokens.b.id, { now: T0 + 600 })).code).toBe("lease_lost");
    // Expired (nobody has reclaimed it yet): still refused.
    expect(thrown(() => heartbeatTask(t.id, tokens.a.id, { now: T0 + 1600 }))).toMatchObject({
      status: 409,
      code: "lease_lost",
    });

    const again = claimTask(tokens.b.id, VARIANTS, { now: T0 + 1600, leaseMs: 1000 })!;
    expect(again).toMatchObject({ id: t.id, attempt: 2 });
    expect(thrown(() => heartbeatTask(t.id, tokens.a.id, { now: T0 + 1700 })).code).toBe("lease_lost");
    expect(thrown(() => completeTask(t.id, tokens.a.id, { now: T0 + 1700 })).code).toBe("lease_lost");
    expect(thrown(() => failTask(t.id, tokens.a.id, "boom", { now: T0 + 1700 })).code).toBe("lease_lost");
    expect(thrown(() => heartbeatTask("task_nope", tokens.a.id)).status).toBe(404);
  });

  it("fails the task and its run once leases expired maxAttempts times, cancelling the run's other tasks", () => {
    const r = createGeneration(request({ samplesPerPrompt: 2 }));
    let now = T0;
    const first = claimTask(tokens.a.id, VARIANTS, { now, leaseMs: 1000 })!;
    for (let attempt = 2; attempt <= 3; attempt++) {
      now += 1001;
      expect(claimTask(tokens.a.id, VARIANTS, { now, leaseMs: 1000 })).toMatchObject({ id: first.id, attempt });
    }
    now += 1001;
    // The worn-out task fails with its run; the claim moves on to the second run's first task.
    const other = claimTask(tokens.b.id, VARIANTS, { now, leaseMs: 1000 })!;
    expect(other.runId).toBe(r.runs[1]!.id);
    expect(taskRow(first.id)).toMatchObject({ status: "failed", attempts: 3 });
    expect(run(r.runs[0]!.id)).toMatchObject({ status: "failed" });
    expect(run(r.runs[0]!.id).error).toMatch(
      /^task for prompt p1 \(samples 0–1\) failed 3 times: the last worker \(token wtk_\w+\) stopped without finishing$/,
    );
    const g = getGenerationOrThrow(r.generation.id);
    expect(g.tasks).toMatchObject({ failed: 1, cancelled: 2, running: 1, queued: 2 });
    expect(g.status).toBe("running");
  });

  it("long-polls until a task is queued, or answers nothing after waitSeconds", async () => {
    const started = Date.now();
    expect(
      await claimTaskWaiting({ tokenId: tokens.a.id, variants: VARIANTS, waitSeconds: 0.3, pollMs: 50 }),
    ).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    setTimeout(() => createGeneration(request({ guidanceScales: [2] })), 150);
    const t = await claimTaskWaiting({ tokenId: tokens.a.id, variants: VARIANTS, waitSeconds: 5, pollMs: 50 });
    expect(t?.guidanceScale).toBe(2);
    expect(Date.now() - started).toBeLessThan(3000);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const t0 = Date.now();
    expect(
      await claimTaskWaiting({
        tokenId: tokens.a.id,
        variants: ["other-variant"],
        waitSeconds: 30,
        pollMs: 50,
        signal: abort.signal,
      }),
    ).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe("uploading samples", () => {
  it("stores a PNG with its derived seed; the same bytes again are 200, other bytes 409", async () => {
    const r = createGeneration(request({ guidanceScales: [1] }));
    const t = claimTask(tokens.a.id, VARIANTS)!;
    const img = await samplePng(10);
    const first = await storeTaskSample({ taskId: t.id, tokenId: tokens.a.id, index: 1, body: body(img) });
    expect(first).toMatchObject({
      stored: true,
      index: 1,
      width: GEN_SIZE,
      height: GEN_SIZE,
      seed: deriveSeed(42, "p1", 1),
    });
    const row = getDb().select().from(samples).get()!;
    expect(row).toMatchObject({
      runId: r.runs[0]!.id,
      sampleIndex: 1,
      seed: deriveSeed(42, "p1", 1),
      fileName: "p1-s1.png",
      imageSha256: first.sha256,
    });
    expect(fs.readFileSync(pathFor(first.sha256, "png"))).toEqual(img);
    expect(run(r.runs[0]!.id).generatedDone).toBe(1);

    expect(await storeTaskSample({ taskId: t.id, tokenId: tokens.a.id, index: 1, body: body(img) })).toMatchObject({
      stored: false,
      sha256: first.sha256,
    });
    const e = await rejected(
      storeTaskSample({ taskId: t.id, tokenId: tokens.a.id, index: 1, body: body(await samplePng(11)) }),
    );
    expect(e).toMatchObject({ status: 409, code: "conflict", details: { index: 1, storedSha256: first.sha256 } });
    expect(countRows(samples)).toBe(1);
    expect(countRows(images)).toBe(1);
    expect(storedFiles(dir)).toHaveLength(1);
    expect(run(r.runs[0]!.id).generatedDone).toBe(1);
  });

  it("refuses indices outside the task, broken or non-PNG images and other workers, storing nothing", async () => {
    createGeneration(request({ guidanceScales: [1] }));
    const t = claimTask(tokens.a.id, VARIANTS)!;
    const good = await samplePng(1);
    expect(
      await rejected(storeTaskSample({ taskId: t.id, tokenId: tokens.a.id, index: 2, body: body(good) })),
    ).toMatchObject({ status: 422, details: { index: 2, from: 0, to: 2 } });
    const big = await noise(64, 64);
    expect(
      await rejected(
        storeTaskSample({ taskId: t.id, tokenId: tokens.a.id, index: 0, body: body(big.subarray(0, big.length >> 1)) }),
      ),
    ).toMatchObject({ status: 422, details: { code: "image_unreadable" } });
    expect(
      await rejected(storeTaskSample({ taskId: t.id, tokenId: tokens.a.id, index: 0, body: body("not a png at all") })),
    ).toMatchObject({ status: 422, details: { code: "image_unsupported_type" } });
    expect(
      await rejected(
        storeTaskSample({ taskId: t.id, tokenId: tokens.a.id, index: 0, body: body(await noise(8, 8, "jpeg")) }),
      ),
    ).toMatchObject({ status: 422, details: { code: "image_unsupported_type" } });
    expect(
      await rejected(storeTaskSample({ taskId: t.id, tokenId: tokens.a.id, index: 0, body: body("") })),
    ).toMatchObject({ status: 422 });
    expect(
      await rejected(storeTaskSample({ taskId: t.id, tokenId: tokens.b.id, index: 0, body: body(good) })),
    ).toMatchObject({ status: 409, code: "lease_lost" });
    // A model that ignored the requested size: refused with both sizes named.
    const wrong = await rejected(
      storeTaskSample({
        taskId: t.id,
        tokenId: tokens.a.id,
        index: 0,
        body: body(await samplePng(1, GEN_SIZE, GEN_SIZE / 2)),
      }),
    );
    expect(wrong).toMatchObject({
      status: 422,
      details: {
        code: "image_wrong_size",
        expected: { width: GEN_SIZE, height: GEN_SIZE },
        received: { width: GEN_SIZE, height: GEN_SIZE / 2 },
      },
    });
    expect(wrong.message).toContain(`${GEN_SIZE}×${GEN_SIZE / 2}`);
    expect(countRows(samples) + countRows(images)).toBe(0);
    expect(storedFiles(dir)).toEqual([]);
    expect(fs.readdirSync(`${dir}/staging`)).toEqual([]);
  });

  it("refuses an image over the pixel or byte limit", async () => {
    removeDataDir(dir);
    dir = useTempDataDir({ T2I_MAX_IMAGE_PIXELS: "100", T2I_MAX_IMAGE_BYTES: "4000" });
    tokens = setupGenerationFixtures();
    createGeneration(request({ guidanceScales: [1] }));
    const t = claimTask(tokens.a.id, VARIANTS)!;
    expect(
      await rejected(storeTaskSample({ taskId: t.id, tokenId: tokens.a.id, index: 0, body: body(await samplePng(3)) })),
    ).toMatchObject({ status: 422, details: { code: "image_too_large" } });
    expect(
      await rejected(
        storeTaskSample({ taskId: t.id, tokenId: tokens.a.id, index: 0, body: body(await noise(64, 64)) }),
      ),
    ).toMatchObject({ status: 413 });
  });

  it("a retried task lists only the samples an earlier attempt did not upload", async () => {
    createGeneration(request({ guidanceScales: [1] }));
    const t = claimTask(tokens.a.id, VARIANTS)!;
    await storeTaskSample({ taskId: t.id, tokenId: tokens.a.id, index: 0, body: body(await samplePng(5)) });
    expect(failTask(t.id, tokens.a.id, "CUDA out of memory")).toEqual({ retry: true });
    expect(taskRow(t.id)).toMatchObject({ status: "queued", lastError: "CUDA out of memory", leaseOwner: null });
    const again = claimTask(tokens.b.id, VARIANTS)!;
    expect(again).toMatchObject({ id: t.id, attempt: 2 });
    expect(again.samples.map((s) => s.index)).toEqual([1]);
  });

  it("completes a task whose worker uploaded everything but vanished, instead of handing it out again", async () => {
    const r = createGeneration(request({ guidanceScales: [1], samplesPerPrompt: 2 }));
    const t = claimTask(tokens.a.id, VARIANTS, { leaseMs: 1000 })!;
    for (const s of t.samples)
      await storeTaskSample({
        taskId: t.id,
        tokenId: tokens.a.id,
        index: s.index,
        body: body(await samplePng(s.index)),
        leaseMs: 1000,
      });
    const later = Date.now() + 5000;
    const next = claimTask(tokens.b.id, VARIANTS, { now: later })!;
    expect(next.id).not.toBe(t.id);
    expect(taskRow(t.id)).toMatchObject({ status: "done", attempts: 1 });
    expect(getGenerationOrThrow(r.generation.id).tasks).toMatchObject({ done: 1, running: 1, queued: 1 });
  });
});

describe("completing and failing tasks", () => {
  it("refuses to complete with samples missing (422 listing them); the run is queued for scoring once all its tasks are done", async () => {
    const r = createGeneration(request({ samplesPerPrompt: 2 }));
    const [w1, w3] = r.runs;
    const first = claimTask(tokens.a.id, VARIANTS)!;
    await storeTaskSample({ taskId: first.id, tokenId: tokens.a.id, index: 1, body: body(await samplePng(1)) });
    expect(thrown(() => completeTask(first.id, tokens.a.id))).toMatchObject({ status: 422, details: { missing: [0] } });
    await storeTaskSample({ taskId: first.id, tokenId: tokens.a.id, index: 0, body: body(await samplePng(2)) });
    expect(completeTask(first.id, tokens.a.id)).toEqual({
      taskId: first.id,
      status: "done",
      runId: w1!.id,
      runStatus: "generating",
    });
    // Answering again is harmless.
    expect(completeTask(first.id, tokens.b.id)).toMatchObject({ status: "done" });

    for (let k = 0; k < 2; k++) {
      const t = claimTask(tokens.a.id, VARIANTS)!;
      expect(t.runId).toBe(w1!.id);
      await uploadAll(t, tokens.a.id);
      completeTask(t.id, tokens.a.id);
    }
    expect(run(w1!.id)).toMatchObject({ status: "queued", generatedDone: 6, progressTotal: 6, progressDone: 0 });
    expect(getDb().select().from(jobs).all()).toMatchObject([{ kind: "score_run", runId: w1!.id, status: "queued" }]);
    expect(run(w3!.id).status).toBe("generating");
    expect(getGenerationOrThrow(r.generation.id)).toMatchObject({
      status: "running",
      progress: { generated: 6, total: 12 },
    });

    for (let t = claimTask(tokens.b.id, VARIANTS); t; t = claimTask(tokens.b.id, VARIANTS)) {
      await uploadAll(t, tokens.b.id);
      completeTask(t.id, tokens.b.id);
    }
    expect(run(w3!.id).status).toBe("queued");
    expect(countRows(jobs)).toBe(2);
    const g = getGenerationOrThrow(r.generation.id);
    expect(g).toMatchObject({ status: "done", tasks: { done: 6, total: 6 }, progress: { generated: 12, total: 12 } });
    expect(g.runs.map((x) => [x.guidanceScale, x.status, x.generated])).toEqual([
      [1, "queued", { done: 6, total: 6 }],
      [3, "queued", { done: 6, total: 6 }],
    ]);
    expect(listGenerations({ variant: "unclip-gen" }).generations.map((x) => x.id)).toEqual([r.generation.id]);
    expect(listGenerations({ status: "running" }).total).toBe(0);
  });

  it("requeues a failed task until maxAttempts, then fails its run with the worker's error", () => {
    const r = createGeneration(request({ guidanceScales: [1, 2], samplesPerPrompt: 2 }));
    const t = claimTask(tokens.a.id, VARIANTS)!;
    expect(failTask(t.id, tokens.a.id, "RuntimeError: CUDA out of memory")).toEqual({ retry: true });
    expect(claimTask(tokens.a.id, VARIANTS)).toMatchObject({ id: t.id, attempt: 2 });
    expect(failTask(t.id, tokens.a.id, "again")).toEqual({ retry: true });
    expect(claimTask(tokens.a.id, VARIANTS)).toMatchObject({ id: t.id, attempt: 3 });
    const stderr = `${"x".repeat(5000)}\nTraceback: ValueError: NaN latents`;
    expect(failTask(t.id, tokens.a.id, stderr)).toEqual({ retry: false });
    const failed = run(r.runs[0]!.id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(
      /^task for prompt p1 \(samples 0–1\) failed 3 times: …x+\nTraceback: ValueError: NaN latents$/,
    );
    expect(failed.error!.length).toBeLessThan(2100);
    // The failed run's other tasks are not handed out; the other run's are.
    const rest: string[] = [];
    for (let x = claimTask(tokens.b.id, VARIANTS); x; x = claimTask(tokens.b.id, VARIANTS)) rest.push(x.runId);
    expect(new Set(rest)).toEqual(new Set([r.runs[1]!.id]));
    expect(getGenerationOrThrow(r.generation.id).tasks).toMatchObject({ failed: 1, cancelled: 2, running: 3 });
  });

  it("ends the generation as failed when a run failed and the others finished", async () => {
    removeDataDir(dir);
    dir = useTempDataDir({ T2I_GEN_MAX_ATTEMPTS: "1" });
    tokens = setupGenerationFixtures();
    const r = createGeneration(request({ guidanceScales: [1, 2], samplesPerPrompt: 1 }));
    const t = claimTask(tokens.a.id, VARIANTS)!;
    expect(failTask(t.id, tokens.a.id, "segfault")).toEqual({ retry: false });
    expect(run(r.runs[0]!.id).error).toBe("task for prompt p1 (samples 0–0) failed 1 time: segfault");
    for (let x = claimTask(tokens.a.id, VARIANTS); x; x = claimTask(tokens.a.id, VARIANTS)) {
      await uploadAll(x, tokens.a.id);
      completeTask(x.id, tokens.a.id);
    }
    const g = getGenerationOrThrow(r.generation.id);
    expect(g).toMatchObject({ status: "failed", tasks: { done: 3, failed: 1, cancelled: 2 } });
    expect(g.error).toMatch(/^1 of 2 runs failed; first: task for prompt p1/);
    expect(run(r.runs[1]!.id).status).toBe("queued");
  });
});

describe("scoring generated runs", () => {
  it("scores a run once its samples are in, like an uploaded one", async () => {
    const r = createGeneration(request({ guidanceScales: [4], samplesPerPrompt: 2 }));
    for (let t = claimTask(tokens.a.id, VARIANTS); t; t = claimTask(tokens.a.id, VARIANTS)) {
      await uploadAll(t, tokens.a.id);
      completeTask(t.id, tokens.a.id);
    }
    const ev = await ClipEvaluator.load(FIXTURE_MODEL, { threads: 1 });
    try {
      expect(await startWorker({ evaluator: ev, workerId: "w", exitWhenIdle: true, log: () => {} })).toMatchObject({
        jobsDone: 1,
      });
    } finally {
      await ev.release();
    }
    const scored = getRunOrThrow(r.runs[0]!.id);
    expect(scored).toMatchObject({
      status: "scored",
      source: "generated",
      progress: { done: 6, total: 6 },
      generation: { id: r.generation.id, done: 6, total: 6 },
    });
    expect(scored.metrics?.run).toMatchObject({ n: 6, failed: 0, groups: 3 });
  });
});

describe("cancelling", () => {
  it("stops handing out tasks and fails unfinished runs as cancelled; tasks in flight may finish", async () => {
    const r = createGeneration(request({ guidanceScales: [1, 2], samplesPerPrompt: 1 }));
    // Run 1 finishes before the cancel and is scored as usual.
    for (let k = 0; k < 3; k++) {
      const t = claimTask(tokens.a.id, VARIANTS)!;
      await uploadAll(t, tokens.a.id);
      completeTask(t.id, tokens.a.id);
    }
    const inFlight = claimTask(tokens.a.id, VARIANTS)!;
    expect(inFlight.runId).toBe(r.runs[1]!.id);

    const g = cancelGeneration(r.generation.id, ADMIN);
    expect(g.status).toBe("cancelled");
    expect(g.tasks).toMatchObject({ done: 3, running: 1, cancelled: 2, queued: 0 });
    expect(run(r.runs[0]!.id).status).toBe("queued");
    expect(run(r.runs[1]!.id)).toMatchObject({
      status: "failed",
      error: `cancelled: generation ${r.generation.id} was cancelled before this run's samples were all generated`,
    });
    expect(claimTask(tokens.b.id, VARIANTS)).toBeUndefined();
    expect(cancelGeneration(r.generation.id, ADMIN).status).toBe("cancelled");

    // The worker in flight is not cut off; what it finishes changes no run.
    expect(heartbeatTask(inFlight.id, tokens.a.id).leaseExpiresAt).toBeInstanceOf(Date);
    await uploadAll(inFlight, tokens.a.id);
    expect(completeTask(inFlight.id, tokens.a.id)).toMatchObject({ status: "done", runStatus: "failed" });
    expect(countRows(jobs)).toBe(1);
    expect(getGenerationOrThrow(r.generation.id)).toMatchObject({
      status: "cancelled",
      tasks: { done: 4, cancelled: 2 },
    });
  });

  it("cancels an expired task of a cancelled generation instead of handing it out, and refuses to cancel an ended generation", () => {
    const r = createGeneration(request({ guidanceScales: [1], samplesPerPrompt: 1 }));
    const t = claimTask(tokens.a.id, VARIANTS, { now: T0, leaseMs: 1000 })!;
    cancelGeneration(r.generation.id, ADMIN, { now: T0 + 10 });
    expect(claimTask(tokens.b.id, VARIANTS, { now: T0 + 5000 })).toBeUndefined();
    expect(taskRow(t.id)).toMatchObject({ status: "cancelled", leaseOwner: null });
    expect(thrown(() => cancelGeneration("gen_nope", ADMIN)).status).toBe(404);

    const done = createGeneration(request({ guidanceScales: [7], samplesPerPrompt: 1 }));
    markDone(done.generation.id);
    expect(thrown(() => cancelGeneration(done.generation.id, ADMIN))).toMatchObject({ status: 409, code: "conflict" });
  });
});

/** Marks a generation done without running its tasks. */
function markDone(id: string) {
  getDb().update(generations).set({ status: "done" }).where(eq(generations.id, id)).run();
}

describe("provenance of generated runs", () => {
  it("records the request's settings and, per completed task, the engine, model and worker token that made it", async () => {
    const r = createGeneration({
      ...request({ guidanceScales: [2], samplesPerPrompt: 1 }),
      negativePrompt: "blurry",
      size: { width: 64, height: 128 },
    });
    const sha = "a".repeat(64);
    for (let k = 0; k < 3; k++) {
      const token = k < 2 ? tokens.a : tokens.b;
      const t = claimTask(token.id, VARIANTS)!;
      await uploadAll(t, token.id);
      completeTask(t.id, token.id, {
        provenance: k < 2 ? { engine: "onnx", model: { name: "sd15-onnx", sha256: sha } } : {},
      });
    }
    const p = getRunOrThrow(r.runs[0]!.id).provenance!;
    expect(p).toMatchObject({
      generationId: r.generation.id,
      steps: 50,
      sampler: "ddim",
      width: 64,
      height: 128,
      negativePrompt: "blurry",
      seed: 42,
    });
    // A worker that reports nothing (an older one) is still named, without engine or model.
    expect(p.producers.sort((a, b) => b.tasks - a.tasks)).toEqual([
      { engine: "onnx", model: { name: "sd15-onnx", sha256: sha }, worker: "gpu-a", tasks: 2 },
      { engine: null, model: null, worker: "gpu-b", tasks: 1 },
    ]);
  });
});
