// Ownership, delete, hide, rename, the audit log and provenance through the REST API, with keys
// of both roles made by the real CLI.
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { zipBuffer } from "../../tools/test-support/uploads";
import { claim, drawSample, putSample } from "../fake-worker";
import { auth, makeSamples, manifestJsonl, newApiKey, uniqueName, workerAuth } from "../helpers";
import { snapshot } from "../state";

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

async function expectError(res: APIResponse, status: number, code: string) {
  expect(res.status(), await res.text()).toBe(status);
  const body = await res.json();
  expect(body.error.code).toBe(code);
  return body.error as { code: string; message: string; details?: Record<string, unknown> };
}

/** Posts a run of `variant` on `promptSet` (implicit when omitted) with `key`; the answer as it came. */
async function uploadTo(
  request: APIRequestContext,
  key: string,
  variant: string,
  guidance: number,
  prompts = ["a red square", "a blue circle"],
  promptSet?: string,
): Promise<APIResponse> {
  const samples = await makeSamples(prompts, 2);
  const zip = await zipBuffer([
    { name: "manifest.jsonl", data: Buffer.from(manifestJsonl(samples)) },
    ...samples.map((s) => ({ name: s.name, data: s.data })),
  ]);
  const fd = new FormData();
  for (const [k, v] of Object.entries({
    variant,
    guidanceScale: String(guidance),
    conditioningType: "text_sequence",
    ...(promptSet ? { promptSet } : {}),
  }))
    fd.append(k, v);
  fd.append("archive", new Blob([new Uint8Array(zip)]), "batch.zip");
  return request.post("/api/v1/runs", { multipart: fd, headers: bearer(key) });
}

/** Uploads a scored run of `variant` on `promptSet` (implicit when omitted) with `key`. */
async function uploadRun(
  request: APIRequestContext,
  key: string,
  variant: string,
  guidance: number,
  prompts = ["a red square", "a blue circle"],
  promptSet?: string,
) {
  const res = await uploadTo(request, key, variant, guidance, prompts, promptSet);
  expect(res.status(), await res.text()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await expect
    .poll(async () => (await (await request.get(`/api/v1/runs/${id}`)).json()).status, { timeout: 60_000 })
    .toBe("scored");
  return id;
}

test.describe("ownership, delete, hide, rename and audit", () => {
  const alice = newApiKey("submitter", uniqueName("alice"));
  const bob = newApiKey("submitter", uniqueName("bob"));

  test("a run: only its owner or an admin may hide or delete it; hidden runs leave the leaderboard and plot data but stay readable; delete removes rows and files", async ({
    request,
  }) => {
    const promptSet = uniqueName("life-set");
    expect(
      (
        await request.post("/api/v1/prompt-sets", {
          data: { name: promptSet, prompts: [{ prompt: "a red square" }, { prompt: "a blue circle" }] },
          headers: bearer(alice),
        })
      ).status(),
    ).toBe(201);
    const variant = uniqueName("life-var");
    const r1 = await uploadRun(request, alice, variant, 2, undefined, promptSet);
    const r2 = await uploadRun(request, alice, variant, 6, undefined, promptSet);
    const boardRuns = async () => {
      const lb = await (await request.get(`/api/v1/leaderboard?promptSet=${promptSet}`)).json();
      return lb.evaluators
        .flatMap((e: { variants: { runs: { runId: string }[] }[] }) =>
          e.variants.flatMap((v) => v.runs.map((r) => r.runId)),
        )
        .sort();
    };
    const plotRuns = async () =>
      ((await (await request.get(`/api/v1/plot-data?promptSet=${promptSet}`)).json()).rows as { runId: string }[])
        .map((r) => r.runId)
        .sort();
    expect(await boardRuns()).toEqual([r1, r2].sort());

    await expectError(await request.post(`/api/v1/runs/${r1}/hide`, { data: { reason: "x" } }), 401, "unauthorized");
    const forbidden = await expectError(
      await request.post(`/api/v1/runs/${r1}/hide`, { data: { reason: "x" }, headers: bearer(bob) }),
      403,
      "forbidden",
    );
    expect(forbidden.message).toMatch(/role submitter.*may not hide run .*created by another API key/);
    await expectError(
      await request.post(`/api/v1/runs/${r1}/hide`, { data: { reason: "" }, headers: bearer(alice) }),
      422,
      "validation_failed",
    );
    await expectError(
      await request.post(`/api/v1/runs/run_nope/hide`, { data: { reason: "x" }, headers: bearer(alice) }),
      404,
      "not_found",
    );

    expect(
      (
        await request.post(`/api/v1/runs/${r1}/hide`, {
          data: { reason: "uploaded at the wrong scale" },
          headers: bearer(alice),
        })
      ).status(),
    ).toBe(200);
    expect(await boardRuns()).toEqual([r2]);
    expect(await plotRuns()).not.toContain(r1);
    expect((await (await request.get(`/api/v1/runs/${r1}`)).json()).hidden).toMatchObject({
      reason: "uploaded at the wrong scale",
      by: "run",
    });
    // An admin may unhide anyone's run.
    expect((await request.post(`/api/v1/runs/${r1}/unhide`, { headers: auth() })).status()).toBe(200);
    expect(await boardRuns()).toEqual([r1, r2].sort());

    const before = snapshot();
    await expectError(await request.delete(`/api/v1/runs/${r2}`, { headers: bearer(bob) }), 403, "forbidden");
    await expectError(await request.delete(`/api/v1/runs/run_nope`, { headers: bearer(alice) }), 404, "not_found");
    expect(snapshot()).toEqual(before);
    const del = await request.delete(`/api/v1/runs/${r2}`, { headers: bearer(alice) });
    expect(del.status(), await del.text()).toBe(200);
    expect(await del.json()).toMatchObject({ id: r2, deleted: true, samples: 4, filesDeleted: 4 });
    await expectError(await request.get(`/api/v1/runs/${r2}`), 404, "not_found");
    const after = snapshot();
    expect(after).toMatchObject({
      runs: before.runs - 1,
      samples: before.samples - 4,
      imageFiles: before.imageFiles - 4,
      images: before.images - 4,
    });
    expect(await boardRuns()).toEqual([r1]);

    await expectError(await request.get("/api/v1/audit"), 401, "unauthorized");
    expect(
      (await expectError(await request.get("/api/v1/audit", { headers: bearer(alice) }), 403, "forbidden")).details,
    ).toMatchObject({ reason: "admin_only" });
    const audit = await (await request.get(`/api/v1/audit?targetType=run&limit=50`, { headers: auth() })).json();
    const mine = audit.entries
      .filter((e: { targetId: string }) => e.targetId === r1 || e.targetId === r2)
      .map((e: { action: string; targetId: string }) => `${e.action} ${e.targetId}`);
    expect(mine).toEqual([
      `run.delete ${r2}`,
      `run.unhide ${r1}`,
      `run.hide ${r1}`,
      `run.create ${r2}`,
      `run.create ${r1}`,
    ]);
  });

  test("a variant: other keys add runs only once its owner opens it; rename and links with owner rules; hide-variant hides its runs; its owner deletes it with other keys' runs", async ({
    request,
  }) => {
    const variant = uniqueName("life-v");
    const mine = await uploadRun(request, alice, variant, 3);
    const closed = await expectError(await uploadTo(request, bob, variant, 5), 403, "forbidden");
    expect(closed.details).toMatchObject({ reason: "not_owner", variant });
    await expectError(
      await request.patch(`/api/v1/variants/${variant}`, { data: { contributors: "anyone" }, headers: bearer(bob) }),
      403,
      "forbidden",
    );
    const opened = await request.patch(`/api/v1/variants/${variant}`, {
      data: { contributors: "anyone" },
      headers: bearer(alice),
    });
    expect(opened.status(), await opened.text()).toBe(200);
    expect(await opened.json()).toMatchObject({ contributors: "anyone" });
    const theirs = await uploadRun(request, bob, variant, 5);

    await expectError(
      await request.patch(`/api/v1/variants/${variant}`, { data: { description: "x" }, headers: bearer(bob) }),
      403,
      "forbidden",
    );
    await expectError(
      await request.patch(`/api/v1/variants/${variant}`, {
        data: { links: ["javascript:alert(1)"] },
        headers: bearer(alice),
      }),
      422,
      "validation_failed",
    );
    await expectError(
      await request.patch(`/api/v1/variants/no-such-variant`, { data: { description: "x" }, headers: bearer(alice) }),
      404,
      "not_found",
    );
    const renamed = `${variant}-v2`;
    const patched = await request.patch(`/api/v1/variants/${variant}`, {
      data: { name: renamed, description: "fine-tuned", links: ["https://example.org/paper"] },
      headers: bearer(alice),
    });
    expect(patched.status(), await patched.text()).toBe(200);
    expect(await (await request.get(`/api/v1/variants/${renamed}`)).json()).toMatchObject({
      name: renamed,
      description: "fine-tuned",
      links: ["https://example.org/paper"],
    });

    expect(
      (
        await request.post(`/api/v1/variants/${renamed}/hide`, {
          data: { reason: "checkpoint was mislabelled" },
          headers: bearer(alice),
        })
      ).status(),
    ).toBe(200);
    expect((await (await request.get(`/api/v1/runs/${theirs}`)).json()).hidden).toMatchObject({
      by: "variant",
      reason: "checkpoint was mislabelled",
    });

    await expectError(await request.delete(`/api/v1/variants/${renamed}`, { headers: bearer(bob) }), 403, "forbidden");
    // The owner removes what another key added to the variant.
    const del = await request.delete(`/api/v1/variants/${renamed}`, { headers: bearer(alice) });
    expect(del.status(), await del.text()).toBe(200);
    expect(await del.json()).toMatchObject({ name: renamed, runs: 2 });
    await expectError(await request.get(`/api/v1/variants/${renamed}`), 404, "not_found");
    await expectError(await request.get(`/api/v1/runs/${mine}`), 404, "not_found");
  });

  test("a generation can be cancelled only by its own key or an admin; its run shows engine, model, worker and settings", async ({
    request,
  }) => {
    const variant = uniqueName("life-gen");
    const promptSet = uniqueName("life-gen-set");
    expect(
      (
        await request.post("/api/v1/variants", {
          data: { name: variant, conditioningType: "text_sequence" },
          headers: bearer(alice),
        })
      ).status(),
    ).toBe(201);
    expect(
      (
        await request.post("/api/v1/prompt-sets", {
          data: { name: promptSet, prompts: [{ id: "sq", prompt: "a red square" }] },
          headers: bearer(alice),
        })
      ).status(),
    ).toBe(201);
    const body = {
      variant,
      promptSet,
      guidanceScales: [2],
      samplesPerPrompt: 1,
      seed: 1,
      steps: 20,
      size: 64,
      negativePrompt: "blurry",
    };
    const gen = await (await request.post("/api/v1/generations", { data: body, headers: bearer(alice) })).json();
    await expectError(
      await request.post(`/api/v1/generations/${gen.id}/cancel`, { headers: bearer(bob) }),
      403,
      "forbidden",
    );

    const task = (await claim(request, [variant]))!;
    for (const s of task.samples)
      expect((await putSample(request, task.id, s.index, await drawSample(task, s.seed))).status()).toBe(201);
    const sha = "ab".repeat(32);
    const done = await request.post(`/api/v1/worker/tasks/${task.id}/complete`, {
      data: { engine: "onnx", model: { name: "sd15-onnx", sha256: sha } },
      headers: workerAuth(),
    });
    expect(done.status(), await done.text()).toBe(200);
    const run = await (await request.get(`/api/v1/runs/${gen.runs[0].id}`)).json();
    expect(run.provenance).toMatchObject({
      steps: 20,
      sampler: "ddim",
      width: 64,
      height: 64,
      negativePrompt: "blurry",
      producers: [{ engine: "onnx", model: { name: "sd15-onnx", sha256: sha }, tasks: 1 }],
    });
    expect(run.provenance.producers[0].worker).toMatch(/^e2e-/);

    const gen2 = await (
      await request.post("/api/v1/generations", { data: { ...body, seed: 2 }, headers: bearer(alice) })
    ).json();
    await expectError(
      await request.post(`/api/v1/generations/${gen2.id}/cancel`, { headers: bearer(bob) }),
      403,
      "forbidden",
    );
    expect((await request.post(`/api/v1/generations/${gen2.id}/cancel`, { headers: bearer(alice) })).status()).toBe(
      200,
    );
  });
});
