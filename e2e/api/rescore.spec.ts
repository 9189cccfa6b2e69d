import { spawnSync } from "node:child_process";
import { expect, test, type APIResponse } from "@playwright/test";
import path from "node:path";
import { apiKey, auth, E2E_DATA_DIR, uniqueName } from "../helpers";
import { markFailed, moveScoresToEvaluator, uploadBatch, waitStatus } from "../run-states";
import { ENTRY_POINTS } from "../../lib/core/entry-points";

async function expectError(res: APIResponse, status: number, code: string) {
  expect(res.status(), await res.text()).toBe(status);
  const body = await res.json();
  expect(body.error).toMatchObject({ code, message: expect.any(String) });
  return body.error as { message: string };
}

test.describe("re-score and retry", () => {
  test("a run scored by another evaluator is counted by health, re-scored by the installed one, and keeps its old scores", async ({
    request,
  }) => {
    const { res } = await uploadBatch(request, {
      variant: uniqueName("rescore"),
      guidance: 2,
      prompts: ["a red square", "a blue circle"],
    });
    expect(res.status()).toBe(202);
    const { id } = await res.json();
    const scored = await waitStatus(request, id, "scored");
    const installed = scored.evaluator.id as string;
    const other = `other-clip@${uniqueName("e2e").slice(-8)}`;
    moveScoresToEvaluator(id, other);

    const health = await (await request.get("/api/v1/health")).json();
    expect(health.evaluator.id).toBe(installed);
    expect(health.rescore.runsLackingScores).toBeGreaterThanOrEqual(1);
    // The server's own data folder rides along, so the line works as printed in another shell.
    expect(health.rescore.command).toBe(`T2I_DATA_DIR=${path.resolve(E2E_DATA_DIR)} npm run runs -- rescore --all`);

    const queued = await request.post(`/api/v1/runs/${id}/rescore`, { headers: auth() });
    expect(queued.status(), await queued.text()).toBe(202);
    expect(await queued.json()).toMatchObject({
      id,
      queued: true,
      status: "queued",
      evaluator: installed,
      statusUrl: `/api/v1/runs/${id}`,
    });
    const rescored = await waitStatus(request, id, "scored");
    expect(rescored.evaluator.id).toBe(installed);
    expect(rescored.progress).toMatchObject({ done: 4, total: 4 });
    expect(rescored.metrics.run.n).toBe(4);
    const old = await (await request.get(`/api/v1/runs/${id}?evaluator=${encodeURIComponent(other)}`)).json();
    expect(old.metrics).toMatchObject({ evaluatorId: other, run: { n: 4 } });

    const again = await request.post(`/api/v1/runs/${id}/rescore`, { headers: auth() });
    expect(again.status()).toBe(200);
    expect(await again.json()).toMatchObject({ queued: false, message: expect.stringMatching(/already has scores/) });
  });

  test("a failed run is retried through the API, and an identical re-upload of a failed run re-queues it", async ({
    request,
  }) => {
    const variant = uniqueName("retry");
    const { res, zip } = await uploadBatch(request, { variant, guidance: 3, prompts: ["a green triangle"] });
    const { id } = await res.json();
    await waitStatus(request, id, "scored");
    await expectError(await request.post(`/api/v1/runs/${id}/retry`, { headers: auth() }), 409, "conflict");

    markFailed(id);
    const retried = await request.post(`/api/v1/runs/${id}/retry`, { headers: auth() });
    expect(retried.status(), await retried.text()).toBe(202);
    expect(await retried.json()).toMatchObject({ id, status: "queued", pageUrl: `/runs/${id}` });
    expect((await waitStatus(request, id, "scored")).error).toBeNull();

    // The command line does the same through the REST API.
    markFailed(id);
    const cli = spawnSync(process.execPath, ["--import", "tsx", ENTRY_POINTS.runs, "retry", id], {
      env: { ...process.env, T2I_SERVER: test.info().project.use.baseURL!, T2I_API_KEY: apiKey() },
      encoding: "utf8",
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`${id}: queued again`);
    await waitStatus(request, id, "scored");

    markFailed(id);
    const fd = new FormData();
    for (const [k, v] of Object.entries({ variant, guidanceScale: "3", conditioningType: "text_sequence" }))
      fd.append(k, v);
    fd.append("archive", new Blob([new Uint8Array(zip)]), "batch.zip");
    const reupload = await request.post("/api/v1/runs", { multipart: fd, headers: auth() });
    expect(reupload.status(), await reupload.text()).toBe(202);
    expect(await reupload.json()).toMatchObject({
      id,
      duplicate: true,
      requeued: true,
      message: expect.stringMatching(/queued for scoring again/),
    });
    await waitStatus(request, id, "scored");
  });

  test("unknown runs get 404, missing keys 401, a failed run cannot be re-scored (409)", async ({ request }) => {
    await expectError(await request.post("/api/v1/runs/run_doesnotexist/retry", { headers: auth() }), 404, "not_found");
    await expectError(
      await request.post("/api/v1/runs/run_doesnotexist/rescore", { headers: auth() }),
      404,
      "not_found",
    );
    await expectError(await request.post("/api/v1/runs/run_doesnotexist/retry"), 401, "unauthorized");
    await expectError(
      await request.post("/api/v1/runs/run_doesnotexist/rescore", { headers: { Authorization: "Bearer t2i_wrong" } }),
      401,
      "unauthorized",
    );
    const { res } = await uploadBatch(request, {
      variant: uniqueName("refuse"),
      guidance: 1,
      prompts: ["a yellow star"],
    });
    const { id } = await res.json();
    await waitStatus(request, id, "scored");
    markFailed(id);
    expect(
      (await expectError(await request.post(`/api/v1/runs/${id}/rescore`, { headers: auth() }), 409, "conflict"))
        .message,
    ).toMatch(/retry it/);
  });
});

test.describe("where uploads land", () => {
  test("the same prompts at five guidance scales in five uploads make one leaderboard with one five-point curve", async ({
    request,
  }) => {
    const variant = uniqueName("landing");
    const prompts = [uniqueName("a red square"), uniqueName("a blue circle")];
    const answers = [];
    for (const g of [1, 2, 3, 5, 8]) {
      const { res } = await uploadBatch(request, { variant, guidance: g, prompts });
      expect(res.status()).toBe(202);
      answers.push(await res.json());
    }
    const names = new Set(answers.map((a) => a.leaderboard.promptSet.name));
    expect(names.size).toBe(1);
    const lb = answers[0].leaderboard;
    expect(lb).toMatchObject({
      promptSet: { isImplicit: true, name: expect.stringMatching(/^upload-landing-/) },
      url: `/?promptSet=${encodeURIComponent(lb.promptSet.name)}`,
    });
    for (const a of answers) await waitStatus(request, a.id, "scored");
    const board = await (
      await request.get(`/api/v1/leaderboard?promptSet=${encodeURIComponent(lb.promptSet.name)}`)
    ).json();
    const variants = board.evaluators[0].variants;
    expect(variants.map((v: { variant: { name: string } }) => v.variant.name)).toEqual([variant]);
    expect(
      variants[0].runs.map((r: { guidanceScale: number }) => r.guidanceScale).sort((a: number, b: number) => a - b),
    ).toEqual([1, 2, 3, 5, 8]);
  });
});
