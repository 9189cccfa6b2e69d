import { expect, test } from "@playwright/test";
import { auth, makeSamples, manifestJsonl, uniqueName } from "../helpers";

test.describe("prompt sets, variants, images, OpenAPI", () => {
  test("prompt sets: create from JSON and CSV, identical content dedupes, list and get", async ({ request }) => {
    const name = uniqueName("ps");
    const body = {
      name,
      description: "two prompts",
      prompts: [
        { id: "rose", prompt: "A green vase filled with red roses sitting on top of table", category: "objects" },
        { id: "corgi", prompt: "a corgi" },
      ],
    };
    const created = await request.post("/api/v1/prompt-sets", { data: body, headers: auth() });
    expect(created.status(), await created.text()).toBe(201);
    expect((await created.json()).promptSet).toMatchObject({ name, version: 1, promptCount: 2 });
    const same = await request.post("/api/v1/prompt-sets", { data: body, headers: auth() });
    expect(same.status()).toBe(200);
    const got = await (await request.get(`/api/v1/prompt-sets/${name}`)).json();
    expect(got.prompts.map((p: { promptKey?: string; id?: string; text?: string }) => p.text)).toContain("a corgi");
    const list = await (await request.get("/api/v1/prompt-sets")).json();
    expect(list.promptSets.map((p: { name: string }) => p.name)).toContain(name);

    const fd = new FormData();
    fd.append("name", uniqueName("csv"));
    fd.append("file", new Blob(["id,prompt\na,an astronaut riding a horse\n"]), "prompts.csv");
    expect((await request.post("/api/v1/prompt-sets", { multipart: fd, headers: auth() })).status()).toBe(201);

    const bad = await request.post("/api/v1/prompt-sets", {
      data: { name: "upload-reserved", prompts: [{ prompt: "x" }] },
      headers: auth(),
    });
    expect(bad.status()).toBe(422);
    expect((await request.post("/api/v1/prompt-sets", { data: body })).status()).toBe(401);
    expect((await request.get("/api/v1/prompt-sets/no-such-set")).status()).toBe(404);
  });

  test("variants: register, conflict, validation, list and get", async ({ request }) => {
    const name = uniqueName("karlo");
    const v = {
      name,
      conditioningType: "clip_image_embedding+text_sequence",
      description: "unCLIP proper",
      links: ["https://example.org/karlo"],
    };
    const res = await request.post("/api/v1/variants", { data: v, headers: auth() });
    expect(res.status(), await res.text()).toBe(201);
    expect((await request.post("/api/v1/variants", { data: v, headers: auth() })).status()).toBe(409);
    const bad = await request.post("/api/v1/variants", {
      data: { ...v, name: uniqueName("x"), conditioningType: "telepathy" },
      headers: auth(),
    });
    expect(bad.status()).toBe(422);
    expect((await bad.json()).error.details.issues[0].path).toBe("conditioningType");
    expect((await (await request.get(`/api/v1/variants/${name}`)).json()).conditioningType).toBe(
      "clip_image_embedding+text_sequence",
    );
    expect(
      (await (await request.get("/api/v1/variants")).json()).variants.map((x: { name: string }) => x.name),
    ).toContain(name);
    expect((await request.get("/api/v1/variants/nobody-here")).status()).toBe(404);
  });

  test("stored images are served by hash", async ({ request }) => {
    const [s] = await makeSamples(["a purple thing"], 1);
    const fd = new FormData();
    for (const [k, val] of Object.entries({
      variant: uniqueName("img"),
      conditioningType: "other",
      guidanceScale: "1",
    }))
      fd.append(k, val);
    fd.append("manifest", new Blob([manifestJsonl([s!])]), "manifest.jsonl");
    fd.append("images", new Blob([new Uint8Array(s!.data)]), s!.name);
    expect((await request.post("/api/v1/runs", { multipart: fd, headers: auth() })).status()).toBe(202);
    const { createHash } = await import("node:crypto");
    const sha = createHash("sha256").update(s!.data).digest("hex");
    const img = await request.get(`/api/v1/images/${sha}`);
    expect(img.status()).toBe(200);
    expect(img.headers()["content-type"]).toBe("image/png");
    expect(Buffer.compare(await img.body(), s!.data)).toBe(0);
    expect((await request.get(`/api/v1/images/${"0".repeat(64)}`)).status()).toBe(404);
    expect((await request.get("/api/v1/images/../../etc/passwd")).status()).toBeGreaterThanOrEqual(400);
  });

  test("OpenAPI document lists every route; health names the evaluator", async ({ request }) => {
    const doc = await (await request.get("/api/v1/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    for (const p of [
      "/api/v1/runs",
      "/api/v1/runs/{id}",
      "/api/v1/metrics",
      "/api/v1/prompt-sets",
      "/api/v1/variants",
      "/api/v1/leaderboard",
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    const fields = doc.paths["/api/v1/runs"].post.requestBody.content["multipart/form-data"].schema.properties;
    expect(Object.keys(fields)).toEqual(
      expect.arrayContaining(["variant", "guidanceScale", "archive", "conditioningType"]),
    );
    const health = await (await request.get("/api/v1/health")).json();
    expect(health.evaluator).toMatchObject({ isFixture: true });
  });
});
