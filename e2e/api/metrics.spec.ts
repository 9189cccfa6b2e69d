import { expect, test } from "@playwright/test";
import { makeSamples, manifestJsonl } from "../helpers";
import { snapshot } from "../state";

test.describe("POST /api/v1/metrics", () => {
  test("scores multipart images + manifest synchronously, in the CLI's JSON shape, storing nothing", async ({
    request,
  }) => {
    const before = snapshot();
    const samples = await makeSamples(["a red square", "a blue circle"], 2);
    const fd = new FormData();
    fd.append("manifest", new Blob([manifestJsonl(samples)]), "manifest.jsonl");
    for (const s of samples) fd.append("images", new Blob([new Uint8Array(s.data)]), s.name);
    const res = await request.post("/api/v1/metrics", { multipart: fd });
    expect(res.status(), await res.text()).toBe(200);
    const doc = await res.json();
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(["evaluator", "items", "groups", "summary"]));
    expect(doc.evaluator.warning).toMatch(/random weights/);
    expect(doc.items).toHaveLength(4);
    expect(doc.groups.map((g: { group: string }) => g.group)).toEqual(["a red square", "a blue circle"]);
    expect(doc.summary).toMatchObject({ n: 4, failed: 0 });
    expect(snapshot()).toEqual(before);
  });

  test("accepts JSON with base64 and data: URLs; the seed makes CIs reproducible", async ({ request }) => {
    const [a, b] = await makeSamples(["a green triangle"], 2);
    const body = {
      items: [
        { prompt: a!.prompt, image: a!.data.toString("base64") },
        { prompt: b!.prompt, image: `data:image/png;base64,${b!.data.toString("base64")}` },
      ],
    };
    const r1 = await (await request.post("/api/v1/metrics?seed=7", { data: body })).json();
    const r2 = await (await request.post("/api/v1/metrics?seed=7", { data: body })).json();
    expect(r1.summary.n).toBe(2);
    expect(r1.summary.ci).toEqual(r2.summary.ci);
  });

  test("refuses oversized batches with 413 pointing to /api/v1/runs, bad base64 with 422, other types with 415", async ({
    request,
  }) => {
    const many = await makeSamples(["p"], 9); // the e2e server allows 8
    const fd = new FormData();
    fd.append("manifest", new Blob([manifestJsonl(many)]), "manifest.jsonl");
    for (const s of many) fd.append("images", new Blob([new Uint8Array(s.data)]), s.name);
    const big = await request.post("/api/v1/metrics", { multipart: fd });
    expect(big.status()).toBe(413);
    const err = (await big.json()).error;
    expect(err.code).toBe("payload_too_large");
    expect(err.message).toContain("/api/v1/runs");

    const bad = await request.post("/api/v1/metrics", {
      data: { items: [{ prompt: "x", image: "!!!not base64!!!" }] },
    });
    expect(bad.status()).toBe(422);
    expect((await bad.json()).error.code).toBe("validation_failed");

    const wrong = await request.post("/api/v1/metrics", { headers: { "content-type": "text/plain" }, data: "hello" });
    expect(wrong.status()).toBe(415);
    expect((await wrong.json()).error.message).toBe(
      "send multipart/form-data (image files) or application/json (base64 images), got text/plain",
    );
    const broken = await request.post("/api/v1/metrics", {
      headers: { "content-type": "application/json" },
      data: Buffer.from("{oops"),
    });
    expect(broken.status()).toBe(400);
  });
});
