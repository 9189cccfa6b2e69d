import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { noise } from "../../tools/test-support/uploads";
import { claim, drawSample, putSample, workUntilIdle } from "../fake-worker";
import { apiKey, auth, uniqueName, workerAuth } from "../helpers";

// The e2e server runs with T2I_GEN_LEASE_MS=4000 (playwright.config.ts).
const LEASE_MS = 4000;

async function expectError(res: APIResponse, status: number, code: string) {
  expect(res.status(), await res.text()).toBe(status);
  const body = await res.json();
  expect(body.error.code).toBe(code);
  return body.error as { code: string; message: string; details?: Record<string, unknown> };
}

/** A new variant and a new two-prompt set, so each test's tasks are its own. */
async function setup(request: APIRequestContext) {
  const variant = uniqueName("gen-e2e");
  const promptSet = uniqueName("gen-set");
  expect(
    (
      await request.post("/api/v1/variants", {
        data: { name: variant, conditioningType: "clip_image_embedding" },
        headers: auth(),
      })
    ).status(),
  ).toBe(201);
  const ps = await request.post("/api/v1/prompt-sets", {
    data: {
      name: promptSet,
      prompts: [
        { id: "square", prompt: "a red square" },
        { id: "circle", prompt: "a blue circle" },
      ],
    },
    headers: auth(),
  });
  expect(ps.status()).toBe(201);
  return { variant, promptSet };
}

async function generate(request: APIRequestContext, body: Record<string, unknown>) {
  const res = await request.post("/api/v1/generations", { data: body, headers: auth() });
  expect(res.status(), await res.text()).toBe(202);
  return (await res.json()) as {
    id: string;
    status: string;
    seed: number;
    runs: { id: string; guidanceScale: number; pageUrl: string }[];
    tasks: number;
    samples: number;
    statusUrl: string;
  };
}

test.describe("generation on GPU workers", () => {
  test("2 prompts × 2 scales × 2 samples: a fake worker generates them, both runs are scored and ranked", async ({
    request,
  }) => {
    const { variant, promptSet } = await setup(request);
    const gen = await generate(request, {
      variant,
      promptSet,
      guidanceScales: [1, 4],
      samplesPerPrompt: 2,
      seed: 7,
      steps: 20,
      size: 64,
    });
    expect(gen).toMatchObject({
      status: "queued",
      seed: 7,
      tasks: 4,
      samples: 8,
      statusUrl: `/api/v1/generations/${gen.id}`,
    });
    expect(gen.runs.map((r) => r.guidanceScale)).toEqual([1, 4]);

    const run = await (await request.get(`/api/v1/runs/${gen.runs[0]!.id}`)).json();
    expect(run).toMatchObject({
      status: "generating",
      source: "generated",
      steps: 20,
      sampler: "ddim",
      generation: { id: gen.id, done: 0, total: 4 },
      progress: { done: 0, total: 4 },
    });

    // The first task, by hand: a retried upload of the same bytes is harmless.
    const first = (await claim(request, [variant]))!;
    expect(first).toMatchObject({
      generationId: gen.id,
      runId: gen.runs[0]!.id,
      variant,
      prompt: { id: "square", text: "a red square" },
      guidanceScale: 1,
      steps: 20,
      width: 64,
      height: 64,
      attempt: 1,
    });
    expect(first.samples.map((s) => s.index)).toEqual([0, 1]);
    for (const s of first.samples) {
      const png = await drawSample(first, s.seed);
      expect((await putSample(request, first.id, s.index, png)).status()).toBe(201);
      const again = await putSample(request, first.id, s.index, png);
      expect(again.status()).toBe(200);
      expect(await again.json()).toMatchObject({ stored: false, index: s.index, seed: s.seed });
    }
    const beat = await request.post(`/api/v1/worker/tasks/${first.id}/heartbeat`, { headers: workerAuth() });
    expect(beat.status()).toBe(200);
    expect(Date.parse((await beat.json()).leaseExpiresAt)).toBeGreaterThan(Date.now());
    expect((await request.post(`/api/v1/worker/tasks/${first.id}/complete`, { headers: workerAuth() })).status()).toBe(
      200,
    );

    const rest = await workUntilIdle(request, [variant]);
    expect(rest).toHaveLength(3);

    for (const r of gen.runs) {
      await expect
        .poll(async () => (await (await request.get(`/api/v1/runs/${r.id}`)).json()).status, {
          timeout: 60_000,
          intervals: [250, 500, 1000],
        })
        .toBe("scored");
      const scored = await (await request.get(`/api/v1/runs/${r.id}`)).json();
      expect(scored).toMatchObject({
        generation: { done: 4, total: 4 },
        progress: { done: 4, total: 4 },
        metrics: { run: { n: 4, failed: 0, groups: 2 } },
      });
      expect(scored.seedPolicy).toContain('sha256("7:<prompt id>:<sample index>")');
    }
    const status = await (await request.get(gen.statusUrl)).json();
    expect(status).toMatchObject({
      status: "done",
      progress: { generated: 8, total: 8 },
      tasks: { done: 4, total: 4 },
    });
    expect(status.runs.map((r: { status: string }) => r.status)).toEqual(["scored", "scored"]);

    const list = await (await request.get(`/api/v1/generations?variant=${variant}`)).json();
    expect(list.generations.map((g: { id: string }) => g.id)).toEqual([gen.id]);
    const board = await (await request.get(`/api/v1/leaderboard?promptSet=${promptSet}`)).json();
    const entry = board.evaluators
      .flatMap((e: { variants: { variant: { name: string }; runs: unknown[] }[] }) => e.variants)
      .find((v: { variant: { name: string } }) => v.variant.name === variant);
    expect(entry?.runs).toHaveLength(2);
  });

  test("worker errors: wrong token 401, expired lease 409, corrupt PNG 422, other bytes 409, missing samples 422, fail → retry", async ({
    request,
  }) => {
    const { variant, promptSet } = await setup(request);
    const gen = await generate(request, {
      variant,
      promptSet,
      guidanceScales: [2],
      samplesPerPrompt: 2,
      seed: 11,
      size: 64,
    });

    await expectError(
      await request.post("/api/v1/worker/claim", { data: { variants: [variant] } }),
      401,
      "unauthorized",
    );
    await expectError(
      await request.post("/api/v1/worker/claim", {
        data: { variants: [variant] },
        headers: { Authorization: "Bearer t2iw_wrong" },
      }),
      401,
      "unauthorized",
    );
    const withApiKey = await expectError(
      await request.post("/api/v1/worker/claim", {
        data: { variants: [variant] },
        headers: { Authorization: `Bearer ${apiKey()}` },
      }),
      401,
      "unauthorized",
    );
    expect(withApiKey.message).toMatch(/worker tokens start with t2iw_/);
    await expectError(
      await request.post("/api/v1/worker/claim", { data: { variants: [] }, headers: workerAuth() }),
      422,
      "validation_failed",
    );

    const task = (await claim(request, [variant]))!;
    const good = await drawSample(task, task.samples[0]!.seed);
    await expectError(
      await putSample(request, task.id, 0, good, { Authorization: "Bearer t2iw_wrong" }),
      401,
      "unauthorized",
    );
    const corrupt = await noise(64, 64);
    const e = await expectError(
      await putSample(request, task.id, 0, corrupt.subarray(0, corrupt.length >> 1)),
      422,
      "validation_failed",
    );
    expect(e.details).toMatchObject({ index: 0, code: "image_unreadable" });
    await expectError(await putSample(request, task.id, 0, Buffer.from("not a png")), 422, "validation_failed");
    await expectError(await putSample(request, task.id, 5, good), 422, "validation_failed");
    await expectError(
      await request.put(`/api/v1/worker/tasks/${task.id}/samples/0`, {
        data: good,
        headers: { ...workerAuth(), "Content-Type": "image/jpeg" },
      }),
      415,
      "unsupported_media_type",
    );
    await expectError(await putSample(request, "task_nope", 0, good), 404, "not_found");

    expect((await putSample(request, task.id, 0, good)).status()).toBe(201);
    expect((await putSample(request, task.id, 0, good)).status()).toBe(200);
    const other = await expectError(
      await putSample(request, task.id, 0, await drawSample(task, 12345)),
      409,
      "conflict",
    );
    expect(other.details).toMatchObject({ index: 0 });
    const missing = await expectError(
      await request.post(`/api/v1/worker/tasks/${task.id}/complete`, { headers: workerAuth() }),
      422,
      "validation_failed",
    );
    expect(missing.details).toEqual({ missing: [1] });

    // The worker gives up; the task comes back with only the sample still missing.
    const failed = await request.post(`/api/v1/worker/tasks/${task.id}/fail`, {
      data: { error: "CUDA error: out of memory" },
      headers: workerAuth(),
    });
    expect(await failed.json()).toEqual({ retry: true });
    const retried = (await claim(request, [variant]))!;
    expect(retried).toMatchObject({ id: task.id, attempt: 2 });
    expect(retried.samples.map((s) => s.index)).toEqual([1]);

    // It stalls past its lease: every call for the task is now refused.
    await new Promise((r) => setTimeout(r, LEASE_MS + 500));
    const late = await drawSample(retried, retried.samples[0]!.seed);
    await expectError(await putSample(request, task.id, 1, late), 409, "lease_lost");
    await expectError(
      await request.post(`/api/v1/worker/tasks/${task.id}/heartbeat`, { headers: workerAuth() }),
      409,
      "lease_lost",
    );
    await expectError(
      await request.post(`/api/v1/worker/tasks/${task.id}/complete`, { headers: workerAuth() }),
      409,
      "lease_lost",
    );
    const reclaimed = (await claim(request, [variant]))!;
    expect(reclaimed).toMatchObject({ id: task.id, attempt: 3 });

    const status = await (await request.get(gen.statusUrl)).json();
    expect(status).toMatchObject({ status: "running", progress: { generated: 1, total: 4 } });
    expect((await request.post(`/api/v1/generations/${gen.id}/cancel`, { headers: auth() })).status()).toBe(200);
  });

  test("cancelling stops the handing out of tasks and fails the unfinished runs", async ({ request }) => {
    const { variant, promptSet } = await setup(request);
    const gen = await generate(request, {
      variant,
      promptSet,
      guidanceScales: [1, 2, 3],
      samplesPerPrompt: 1,
      size: 64,
    });
    await expectError(await request.post(`/api/v1/generations/${gen.id}/cancel`), 401, "unauthorized");
    const res = await request.post(`/api/v1/generations/${gen.id}/cancel`, { headers: auth() });
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ status: "cancelled", tasks: { cancelled: 6, queued: 0 } });
    expect(await claim(request, [variant], 0)).toBeNull();
    const run = await (await request.get(`/api/v1/runs/${gen.runs[2]!.id}`)).json();
    expect(run).toMatchObject({ status: "failed" });
    expect(run.error).toMatch(/^cancelled: /);
    expect((await request.post(`/api/v1/generations/${gen.id}/cancel`, { headers: auth() })).status()).toBe(200);
    await expectError(await request.post("/api/v1/generations/gen_nope/cancel", { headers: auth() }), 404, "not_found");
  });

  test("bad generation requests are refused with 401/415/422 naming the field", async ({ request }) => {
    const { variant, promptSet } = await setup(request);
    const ok = { variant, promptSet, guidanceScales: [1, 2], samplesPerPrompt: 2 };
    await expectError(await request.post("/api/v1/generations", { data: ok }), 401, "unauthorized");
    await expectError(
      await request.post("/api/v1/generations", { data: "x", headers: { ...auth(), "Content-Type": "text/plain" } }),
      415,
      "unsupported_media_type",
    );
    for (const [bad, field] of [
      [{ ...ok, guidanceScales: [] }, "guidanceScales"],
      [{ ...ok, samplesPerPrompt: 65 }, "samplesPerPrompt"],
      [{ ...ok, seed: 2 ** 32 }, "seed"],
      [{ ...ok, sampler: "euler" }, "sampler"],
      [{ ...ok, size: 100 }, "size"],
    ] as const) {
      const e = await expectError(
        await request.post("/api/v1/generations", { data: bad, headers: auth() }),
        422,
        "validation_failed",
      );
      expect(JSON.stringify(e.details)).toContain(field);
    }
    expect(
      (
        await expectError(
          await request.post("/api/v1/generations", { data: { ...ok, variant: "no-such-variant" }, headers: auth() }),
          422,
          "validation_failed",
        )
      ).details,
    ).toEqual({ variant: "no-such-variant" });
    await expectError(await request.get("/api/v1/generations/gen_nope"), 404, "not_found");
    await expectError(await request.get("/api/v1/generations?status=dancing"), 422, "validation_failed");
  });
});
