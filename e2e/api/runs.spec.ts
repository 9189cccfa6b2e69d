import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { jsonl, noise, png, pngDeclaring, tarBuffer, zeros, zipBuffer } from "../../tools/test-support/uploads";
import { auth, makeSamples, manifestJsonl, uniqueName } from "../helpers";
import { snapshot } from "../state";

type Part = { name: string; data: Buffer };

function form(fields: Record<string, string>, files: Part[]): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files)
    fd.append(
      f.name === "archive" || f.name === "manifest" ? f.name : "images",
      new Blob([new Uint8Array(f.data)]),
      (f as Part & { file?: string }).file ?? f.name,
    );
  return fd;
}

async function upload(
  request: APIRequestContext,
  fields: Record<string, string>,
  archive: Buffer,
  fileName = "batch.zip",
) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append("archive", new Blob([new Uint8Array(archive)]), fileName);
  return request.post("/api/v1/runs", { multipart: fd, headers: auth() });
}

async function waitScored(request: APIRequestContext, id: string) {
  await expect
    .poll(async () => (await (await request.get(`/api/v1/runs/${id}`)).json()).status, {
      timeout: 60_000,
      intervals: [250, 500, 1000],
    })
    .toBe("scored");
  return (await request.get(`/api/v1/runs/${id}`)).json();
}

async function expectError(res: APIResponse, status: number, code: string) {
  expect(res.status(), await res.text()).toBe(status);
  const body = await res.json();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  return body.error as { code: string; message: string; details?: Record<string, unknown> };
}

const fieldsFor = (variant: string) => ({
  variant,
  guidanceScale: "3",
  conditioningType: "text_sequence",
  sampler: "ddim",
  steps: "50",
});

test.describe("upload → score → read", () => {
  test("a zip upload is accepted (202), scored, readable, on the leaderboard; a re-upload is detected", async ({
    request,
  }) => {
    const variant = uniqueName("sd-e2e");
    const samples = await makeSamples(["a red square", "a blue circle"], 3);
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: Buffer.from(manifestJsonl(samples)) },
      ...samples.map((s) => ({ name: s.name, data: s.data })),
    ]);
    const res = await upload(request, fieldsFor(variant), zip);
    expect(res.status(), await res.text()).toBe(202);
    const accepted = await res.json();
    expect(accepted).toMatchObject({
      status: "queued",
      duplicate: false,
      samples: 6,
      statusUrl: `/api/v1/runs/${accepted.id}`,
    });
    expect(res.headers()["location"]).toBe(accepted.statusUrl);

    const run = await waitScored(request, accepted.id);
    expect(run.progress).toMatchObject({ done: 6, total: 6 });
    expect(run.evaluator).toMatchObject({
      isFixture: true,
      warning: "test evaluator: random weights, scores not meaningful",
    });
    expect(run.metrics.run).toMatchObject({ n: 6, failed: 0 });
    expect(run.metrics.run.ci.clipScore).toMatchObject({ level: 0.95, B: 1000 });
    expect(run.metrics.prompts).toHaveLength(2);
    expect(run.metrics.prompts[0].diversity).toEqual(expect.any(Number));

    const again = await upload(request, fieldsFor(variant), zip);
    expect(again.status()).toBe(200);
    expect(await again.json()).toMatchObject({ id: accepted.id, duplicate: true });

    const list = await (await request.get(`/api/v1/runs?variant=${variant}`)).json();
    expect(list.runs.map((r: { id: string }) => r.id)).toEqual([accepted.id]);
    const board = await (
      await request.get(`/api/v1/leaderboard?promptSet=${encodeURIComponent(run.promptSet.name)}`)
    ).json();
    const names = board.evaluators.flatMap((e: { variants: { variant: { name: string } }[] }) =>
      e.variants.map((v) => v.variant.name),
    );
    expect(names).toContain(variant);
  });

  test("manifest + images (multipart) and tar.gz with a top folder are accepted", async ({ request }) => {
    const samples = await makeSamples(["a green triangle"], 2);
    const fd = form(fieldsFor(uniqueName("mp")), [
      { name: "manifest", data: Buffer.from(manifestJsonl(samples)) },
      ...samples.map((s) => ({ name: s.name, data: s.data })),
    ]);
    fd.delete("manifest");
    fd.append("manifest", new Blob([manifestJsonl(samples)]), "manifest.jsonl");
    const res = await request.post("/api/v1/runs", { multipart: fd, headers: auth() });
    expect(res.status(), await res.text()).toBe(202);
    await waitScored(request, (await res.json()).id);

    const more = await makeSamples(["a yellow star"], 2);
    const tgz = await tarBuffer(
      [
        {
          name: "batch/manifest.csv",
          data: Buffer.from("file,prompt,seed\n" + more.map((s) => `${s.name},${s.prompt},${s.seed}`).join("\n")),
        },
        ...more.map((s) => ({ name: `batch/${s.name}`, data: s.data })),
      ],
      true,
    );
    const res2 = await upload(request, fieldsFor(uniqueName("tgz")), tgz, "batch.tar.gz");
    expect(res2.status(), await res2.text()).toBe(202);
    await waitScored(request, (await res2.json()).id);
  });

  test("unknown runs, prompt sets and bad queries are 404/422", async ({ request }) => {
    await expectError(await request.get("/api/v1/runs/run_doesnotexist"), 404, "not_found");
    await expectError(await request.get("/api/v1/runs?status=dancing"), 422, "validation_failed");
    await expectError(await request.get("/api/v1/leaderboard"), 422, "validation_failed");
    await expectError(await request.get("/api/v1/leaderboard?promptSet=nope-nope"), 404, "not_found");
  });
});

test.describe("rejected uploads change nothing", () => {
  let before: ReturnType<typeof snapshot>;
  test.beforeEach(() => {
    before = snapshot();
  });
  test.afterEach(() => {
    expect(snapshot()).toEqual(before);
  });

  const one = async (name: string, data: Buffer, prompt = "a red square") =>
    zipBuffer([
      { name: "manifest.jsonl", data: jsonl([{ file: name, prompt }]) },
      { name, data },
    ]);

  test("truncated PNG", async ({ request }) => {
    const good = await noise(64, 64);
    const e = await expectError(
      await upload(request, fieldsFor(uniqueName("bad")), await one("t.png", good.subarray(0, good.length >> 1))),
      422,
      "validation_failed",
    );
    expect(JSON.stringify(e.details)).toContain("t.png");
  });

  test("a PNG declaring 100000×100000 pixels", async ({ request }) => {
    const e = await expectError(
      await upload(
        request,
        fieldsFor(uniqueName("bad")),
        await one("bomb.png", pngDeclaring(await png(8, 8), 100_000, 100_000)),
      ),
      422,
      "validation_failed",
    );
    expect(JSON.stringify(e.details)).toContain("image_too_large");
  });

  test("a zip entry ../../x.png and an absolute path", async ({ request }) => {
    const img = await png(8, 8);
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: jsonl([{ file: "x.png", prompt: "p" }]) },
      { name: "../../x.png", data: img },
    ]);
    const e = await expectError(await upload(request, fieldsFor(uniqueName("bad")), zip), 422, "validation_failed");
    expect(JSON.stringify(e.details)).toContain("../../x.png");
    const tar = await tarBuffer([
      { name: "manifest.jsonl", data: jsonl([{ file: "x.png", prompt: "p" }]) },
      { name: "/etc/x.png", data: img },
    ]);
    await expectError(await upload(request, fieldsFor(uniqueName("bad")), tar, "b.tar"), 422, "validation_failed");
  });

  test("a symlink entry", async ({ request }) => {
    const tar = await tarBuffer([
      { name: "manifest.jsonl", data: jsonl([{ file: "x.png", prompt: "p" }]) },
      { name: "x.png", type: "symlink", linkname: "/etc/passwd" },
    ]);
    const e = await expectError(
      await upload(request, fieldsFor(uniqueName("bad")), tar, "b.tar"),
      422,
      "validation_failed",
    );
    expect(JSON.stringify(e.details)).toContain("x.png");
  });

  test("a zip bomb", async ({ request }) => {
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: jsonl([{ file: "z.png", prompt: "p" }]) },
      { name: "z.png", stream: zeros(300 * 1024 * 1024) },
    ]);
    expect(zip.length).toBeLessThan(2 * 1024 * 1024);
    await expectError(await upload(request, fieldsFor(uniqueName("bad")), zip), 422, "validation_failed");
  });

  test("a text file named .png", async ({ request }) => {
    const e = await expectError(
      await upload(request, fieldsFor(uniqueName("bad")), await one("fake.png", Buffer.from("I am not an image"))),
      422,
      "validation_failed",
    );
    expect(JSON.stringify(e.details)).toContain("fake.png");
  });

  test("a 10,000-word prompt", async ({ request }) => {
    const prompt = Array.from({ length: 10_000 }, (_, i) => `word${i}`).join(" ");
    const e = await expectError(
      await upload(request, fieldsFor(uniqueName("bad")), await one("a.png", await png(8, 8), prompt)),
      422,
      "validation_failed",
    );
    expect(e.message).toMatch(/line 1/);
  });

  test("invalid UTF-8 in a manifest", async ({ request }) => {
    const manifest = Buffer.concat([
      Buffer.from('{"file":"a.png","prompt":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\n'),
    ]);
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: manifest },
      { name: "a.png", data: await png(8, 8) },
    ]);
    const e = await expectError(await upload(request, fieldsFor(uniqueName("bad")), zip), 422, "validation_failed");
    expect(e.message).toMatch(/UTF-8/);
  });

  test("an empty archive", async ({ request }) => {
    await expectError(
      await upload(request, fieldsFor(uniqueName("bad")), await zipBuffer([])),
      422,
      "validation_failed",
    );
  });

  test("a manifest naming a missing file", async ({ request }) => {
    const zip = await zipBuffer([
      {
        name: "manifest.jsonl",
        data: jsonl([
          { file: "a.png", prompt: "p" },
          { file: "gone.png", prompt: "p" },
        ]),
      },
      { name: "a.png", data: await png(8, 8) },
    ]);
    const e = await expectError(await upload(request, fieldsFor(uniqueName("bad")), zip), 422, "validation_failed");
    expect(e.details?.missingFiles).toEqual(["gone.png"]);
  });

  test("prompts outside the named prompt set are listed", async ({ request }) => {
    const set = uniqueName("set");
    const created = await request.post("/api/v1/prompt-sets", {
      data: { name: set, prompts: [{ id: "p1", prompt: "a red square" }] },
      headers: auth(),
    });
    expect(created.status()).toBe(201);
    before = snapshot();
    const zip = await zipBuffer([
      {
        name: "manifest.jsonl",
        data: jsonl([
          { file: "a.png", prompt: "a red square" },
          { file: "b.png", prompt: "a purple cow" },
        ]),
      },
      { name: "a.png", data: await png(8, 8, 1) },
      { name: "b.png", data: await png(8, 8, 2) },
    ]);
    const e = await expectError(
      await upload(request, { ...fieldsFor(uniqueName("bad")), promptSet: set }, zip),
      422,
      "validation_failed",
    );
    expect(JSON.stringify(e.details)).toContain("a purple cow");
  });

  test("missing or unknown fields, unknown variant without a conditioning type", async ({ request }) => {
    const zip = await one("a.png", await png(8, 8, 3));
    await expectError(await upload(request, { guidanceScale: "3" }, zip), 422, "validation_failed");
    await expectError(
      await upload(request, { ...fieldsFor(uniqueName("bad")), colour: "red" }, zip),
      422,
      "validation_failed",
    );
    await expectError(
      await upload(request, { ...fieldsFor(uniqueName("bad")), guidanceScale: "lots" }, zip),
      422,
      "validation_failed",
    );
    await expectError(
      await upload(request, { variant: uniqueName("nobody"), guidanceScale: "3" }, zip),
      422,
      "validation_failed",
    );
  });

  test("no API key, a wrong key, a wrong content type, an oversized body", async ({ request }) => {
    const zip = await one("a.png", await png(8, 8, 4));
    const fd = new FormData();
    fd.append("variant", "x");
    fd.append("archive", new Blob([new Uint8Array(zip)]), "a.zip");
    const noKey = await request.post("/api/v1/runs", { multipart: fd });
    await expectError(noKey, 401, "unauthorized");
    expect(noKey.headers()["www-authenticate"]).toMatch(/Bearer/);
    await expectError(
      await request.post("/api/v1/runs", { multipart: fd, headers: { Authorization: "Bearer t2i_wrong" } }),
      401,
      "unauthorized",
    );
    await expectError(
      await request.post("/api/v1/runs", { data: { variant: "x" }, headers: auth() }),
      415,
      "unsupported_media_type",
    );
    // The e2e server runs with T2I_MAX_UPLOAD_BYTES=16 MiB.
    const big = await zipBuffer([
      { name: "manifest.jsonl", data: jsonl([{ file: "n.png", prompt: "p" }]) },
      { name: "n.png", data: Buffer.alloc(20 * 1024 * 1024, 7), compress: false },
    ]);
    await expectError(await upload(request, fieldsFor(uniqueName("bad")), big), 413, "payload_too_large");
  });
});
