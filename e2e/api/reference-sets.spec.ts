// Reference sets over the REST API: upload (validated like runs), list, show, and a run scored
// against them in the background, with the metrics on the run API and the leaderboard export.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { snapshot } from "../state";
import { auth, makeSamples, manifestJsonl, newApiKey, uniqueName, type SampleFile } from "../helpers";
import { ENTRY_POINTS } from "../../lib/core/entry-points";

function form(fields: Record<string, string>, files: SampleFile[], manifest = manifestJsonl(files)): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append("manifest", new Blob([manifest]), "manifest.jsonl");
  for (const f of files) fd.append("images", new Blob([new Uint8Array(f.data)]), f.name);
  return fd;
}

async function expectError(res: APIResponse, status: number, code: string) {
  expect(res.status(), await res.text()).toBe(status);
  const body = await res.json();
  expect(body.error).toMatchObject({ code, message: expect.any(String) });
  return body.error as { code: string; message: string; details?: Record<string, unknown> };
}

async function waitReference(request: APIRequestContext, runId: string) {
  await expect
    .poll(async () => (await (await request.get(`/api/v1/runs/${runId}`)).json()).metrics?.reference?.length ?? 0, {
      timeout: 60_000,
      intervals: [250, 500, 1000],
    })
    .toBeGreaterThan(0);
  return (await (await request.get(`/api/v1/runs/${runId}`)).json()).metrics.reference;
}

const PROMPTS = ["a red square", "a blue circle", "a green triangle"];

test("a tied reference set: uploaded, listed, shown, and each scored run is compared with it", async ({ request }) => {
  const set = uniqueName("refps");
  expect(
    (
      await request.post("/api/v1/prompt-sets", {
        data: { name: set, prompts: PROMPTS.map((prompt) => ({ prompt })) },
        headers: auth(),
      })
    ).status(),
  ).toBe(201);
  const name = uniqueName("real");
  const refs = await makeSamples(PROMPTS, 6);
  const up = await request.post("/api/v1/reference-sets", {
    multipart: form({ name, promptSet: set }, refs),
    headers: auth(),
  });
  expect(up.status(), await up.text()).toBe(201);
  const created = await up.json();
  expect(created).toMatchObject({
    name,
    version: 1,
    images: 18,
    queuedRuns: 0,
    promptSetId: expect.any(String),
    pageUrl: `/reference-sets/${created.id}`,
  });

  const list = await (await request.get("/api/v1/reference-sets")).json();
  expect(list.referenceSets).toContainEqual(
    expect.objectContaining({
      id: created.id,
      name,
      imageCount: 18,
      promptSet: expect.objectContaining({ name: set }),
    }),
  );
  const shown = await (await request.get(`/api/v1/reference-sets/${encodeURIComponent(name)}`)).json();
  expect(shown.prompts.map((p: { images: number }) => p.images)).toEqual([6, 6, 6]);

  const samples = await makeSamples(PROMPTS, 6);
  const run = await request.post("/api/v1/runs", {
    multipart: form(
      { variant: uniqueName("var"), conditioningType: "text_sequence", guidanceScale: "3", promptSet: set },
      samples,
    ),
    headers: auth(),
  });
  expect(run.status(), await run.text()).toBe(202);
  const { id } = await run.json();
  const [m] = await waitReference(request, id);
  expect(m).toMatchObject({
    referenceSet: { id: created.id, name, version: 1, perPrompt: true },
    nGenerated: 18,
    nReference: 18,
  });
  expect(m.fdLabel).toMatch(/^FD_/);
  expect(m.fd).toMatchObject({ reliable: false, reason: expect.stringMatching(/dimension|noisy/) });
  expect(m.perPrompt.recall.mean).toMatchObject({
    estimate: expect.any(Number),
    low: expect.any(Number),
    high: expect.any(Number),
  });

  const board = await (
    await request.get(`/api/v1/reference-metrics?promptSet=${encodeURIComponent(set)}&metric=coverage`)
  ).json();
  expect(board.rows).toEqual([
    expect.objectContaining({
      runId: id,
      metric: "coverage",
      level: "per-prompt mean",
      value: m.perPrompt.coverage.mean.estimate,
    }),
  ]);
  await expectError(
    await request.get(`/api/v1/reference-metrics?promptSet=${encodeURIComponent(set)}&evaluator=no-such-evaluator`),
    404,
    "not_found",
  );
  const csv = await request.get(`/api/v1/reference-metrics?promptSet=${encodeURIComponent(set)}&format=csv`);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect((await csv.text()).split("\n")[0]).toContain("diversity");

  // A second version applies to the run that is already scored.
  const v2 = await request.post("/api/v1/reference-sets", {
    multipart: form({ name, promptSet: set }, await makeSamples(PROMPTS, 6)),
    headers: auth(),
  });
  expect(await v2.json()).toMatchObject({ version: 2, queuedRuns: 1 });
  await expect
    .poll(
      async () =>
        (await (await request.get(`/api/v1/runs/${id}`)).json()).metrics.reference.map(
          (r: { referenceSet: { version: number } }) => r.referenceSet.version,
        ),
      { timeout: 60_000 },
    )
    .toEqual([2]);
});

test("bad reference uploads get clear 4xx answers and store nothing", async ({ request }) => {
  const refs = await makeSamples(["a red square"], 3);
  const before = snapshot();
  await expectError(
    await request.post("/api/v1/reference-sets", { multipart: form({ name: "x" }, refs) }),
    401,
    "unauthorized",
  );
  const unknownSet = await expectError(
    await request.post("/api/v1/reference-sets", {
      multipart: form({ name: uniqueName("r"), promptSet: "no-such-set" }, refs),
      headers: auth(),
    }),
    422,
    "validation_failed",
  );
  expect(unknownSet.message).toContain("no-such-set");
  await expectError(
    await request.post("/api/v1/reference-sets", { multipart: form({ promptSet: "x" }, refs), headers: auth() }),
    422,
    "validation_failed",
  );
  await expectError(
    await request.post("/api/v1/reference-sets", {
      multipart: form({ name: uniqueName("r"), bogus: "1" }, refs),
      headers: auth(),
    }),
    422,
    "validation_failed",
  );
  const missing = await expectError(
    await request.post("/api/v1/reference-sets", {
      multipart: form({ name: uniqueName("r") }, refs.slice(1), manifestJsonl(refs)),
      headers: auth(),
    }),
    422,
    "validation_failed",
  );
  expect(JSON.stringify(missing.details)).toContain(refs[0]!.name);
  expect(snapshot()).toEqual(before);
  await expectError(await request.get("/api/v1/reference-sets/no-such-reference"), 404, "not_found");
  await expectError(await request.get("/api/v1/reference-metrics?promptSet=x&metric=bogus"), 422, "validation_failed");
});

test("npm run reference-sets uploads and lists through the REST API", async ({ baseURL, request }) => {
  // Tied to its own prompt set: a global set would be compared with every later spec's runs.
  const set = uniqueName("cli-ps");
  expect(
    (
      await request.post("/api/v1/prompt-sets", {
        data: { name: set, prompts: [{ prompt: "a yellow star" }, { prompt: "a black star" }] },
        headers: auth(),
      })
    ).status(),
  ).toBe(201);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ref-cli-"));
  const refs = await makeSamples(["a yellow star", "a black star"], 3);
  for (const f of refs) fs.writeFileSync(path.join(dir, f.name), f.data);
  fs.writeFileSync(path.join(dir, "manifest.jsonl"), manifestJsonl(refs));
  const name = uniqueName("cli-ref");
  const env = { ...process.env, T2I_SERVER: baseURL!, T2I_API_KEY: auth().Authorization.slice("Bearer ".length) };
  const out = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      ENTRY_POINTS.referenceSets,
      "upload",
      "--name",
      name,
      "--prompt-set",
      set,
      "--manifest",
      path.join(dir, "manifest.jsonl"),
    ],
    { env, encoding: "utf8" },
  );
  // One summary line; the raw answer only with --json.
  expect(out).toMatch(new RegExp(`^stored ${name} v1: 6 images; 0 scored run\\(s\\) queued for comparison .*\\n$`));
  expect(out).not.toContain("{");
  const listed = execFileSync(process.execPath, ["--import", "tsx", ENTRY_POINTS.referenceSets, "list"], {
    env,
    encoding: "utf8",
  });
  expect(listed).toContain(`${name} v1\t6 images\tprompt set ${set} v1`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("only a reference set's owner or an admin may add a version or delete it (REST and CLI)", async ({
  baseURL,
  request,
}) => {
  const alice = { Authorization: `Bearer ${newApiKey("submitter", uniqueName("ref-alice"))}` };
  const bob = { Authorization: `Bearer ${newApiKey("submitter", uniqueName("ref-bob"))}` };
  const set = uniqueName("own-ps");
  const prompts = ["a purple square", "an orange circle"];
  expect(
    (
      await request.post("/api/v1/prompt-sets", {
        data: { name: set, prompts: prompts.map((prompt) => ({ prompt })) },
        headers: alice,
      })
    ).status(),
  ).toBe(201);
  const name = uniqueName("own-ref");
  const upload = async (headers: Record<string, string>) =>
    request.post("/api/v1/reference-sets", {
      multipart: form({ name, promptSet: set }, await makeSamples(prompts, 4)),
      headers,
    });
  const v1 = await (await upload(alice)).json();
  expect(v1).toMatchObject({ name, version: 1 });
  const run = await (
    await request.post("/api/v1/runs", {
      multipart: form(
        { variant: uniqueName("own-var"), conditioningType: "text_sequence", guidanceScale: "3", promptSet: set },
        await makeSamples(prompts, 4),
      ),
      headers: alice,
    })
  ).json();
  expect(await waitReference(request, run.id)).toHaveLength(1);

  // Another submitter may neither add a version over alice's nor delete it; nothing changes.
  const before = snapshot();
  const refused = await expectError(await upload(bob), 403, "forbidden");
  expect(refused.details).toMatchObject({ reason: "not_owner", role: "submitter" });
  expect(refused.message).toMatch(/may not add a new version to reference set ref_/);
  await expectError(await request.delete(`/api/v1/reference-sets/${v1.id}`), 401, "unauthorized");
  const del = await expectError(
    await request.delete(`/api/v1/reference-sets/${v1.id}`, { headers: bob }),
    403,
    "forbidden",
  );
  expect(del.details).toMatchObject({ reason: "not_owner" });
  await expectError(await request.delete("/api/v1/reference-sets/ref_nope", { headers: alice }), 404, "not_found");
  const put = await request.put(`/api/v1/reference-sets/${v1.id}`, { headers: alice });
  expect(put.status()).toBe(405);
  expect(put.headers()["allow"]).toBe("GET, DELETE, HEAD, OPTIONS");
  expect(snapshot()).toEqual(before);

  // The owner deletes it: its comparison with the run goes too.
  const gone = await request.delete(`/api/v1/reference-sets/${v1.id}`, { headers: alice });
  expect(gone.status(), await gone.text()).toBe(200);
  expect(await gone.json()).toMatchObject({ id: v1.id, name, version: 1, deleted: true, images: 8, comparisons: 1 });
  await expectError(await request.get(`/api/v1/reference-sets/${v1.id}`), 404, "not_found");
  expect((await (await request.get(`/api/v1/runs/${run.id}`)).json()).metrics.reference).toEqual([]);
  const audit = await (
    await request.get(`/api/v1/audit?targetType=reference_set&targetId=${v1.id}`, { headers: auth() })
  ).json();
  expect(audit.entries).toEqual([expect.objectContaining({ action: "reference_set.delete", targetId: v1.id })]);

  // With no version left, the name starts again at 1 and the run is queued for it; an admin deletes it with the CLI.
  const v2 = await (await upload(alice)).json();
  expect(v2).toMatchObject({ version: 1, queuedRuns: 1 });
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", ENTRY_POINTS.referenceSets, ...args], {
      env: { ...process.env, T2I_SERVER: baseURL!, T2I_API_KEY: auth().Authorization.slice("Bearer ".length) },
      encoding: "utf8",
    });
  expect(cli(["delete", v2.id]).status).toBe(2);
  const out = cli(["delete", v2.id, "--yes", "--json"]);
  expect(out.status, out.stderr).toBe(0);
  expect(JSON.parse(out.stdout)).toMatchObject({ id: v2.id, version: 1, deleted: true });
  await expectError(await request.get(`/api/v1/reference-sets/${encodeURIComponent(name)}`), 404, "not_found");
});
