import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClipEvaluator } from "./evaluator";
import { FIXTURE_MODEL_DIR } from "./resolve-model";
import { modeImages } from "../../tools/fixtures/test-images";

let ev: ClipEvaluator;
let ev1: ClipEvaluator;
beforeAll(async () => {
  ev = await ClipEvaluator.load(FIXTURE_MODEL_DIR, { batchSize: 4, threads: 1 });
  ev1 = await ClipEvaluator.load(FIXTURE_MODEL_DIR, { batchSize: 1, threads: 1 });
});
afterAll(async () => {
  await ev.release();
  await ev1.release();
});

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe("ClipEvaluator", () => {
  it("embeds images of every mode into unit vectors, the same at any batch size", async () => {
    const imgs = (await modeImages()).map((m) => m.data);
    const a = await ev.embedImages(imgs);
    const b = await ev1.embedImages(imgs.map((buf) => () => Promise.resolve(buf)));
    expect(a).toHaveLength(imgs.length);
    a.forEach((r, i) => {
      expect(r.error).toBeUndefined();
      expect(r.embedding!.length).toBe(ev.dim);
      expect(norm(r.embedding!)).toBeCloseTo(1, 5);
      expect(maxDiff(r.embedding!, b[i]!.embedding!)).toBeLessThan(1e-5);
    });
  });

  it("gives bad images an error entry and still embeds the others", async () => {
    const good = (await modeImages())[0]!.data;
    const out = await ev.embedImages([
      good,
      Buffer.from("not an image"),
      good,
      () => Promise.reject(new Error("ENOENT: gone")),
    ]);
    expect(out[0]!.embedding).toBeDefined();
    expect(out[1]!.error?.code).toBe("image_unreadable");
    expect(out[2]!.embedding).toBeDefined();
    expect(out[3]!.error?.message).toMatch(/ENOENT/);
  });

  it("embeds prompts independently of the padding their batch needs", async () => {
    const prompts = ["a red square", "A green vase filled with red roses sitting on top of table", "x"];
    const batched = await ev.embedTexts(prompts);
    const single = await ev1.embedTexts(prompts);
    batched.forEach((t, i) => {
      expect(norm(t.embedding)).toBeCloseTo(1, 5);
      expect(maxDiff(t.embedding, single[i]!.embedding)).toBeLessThan(1e-5);
      expect(t.truncated).toBe(false);
    });
  });

  it("truncates a 10,000-word prompt, keeps end-of-text last and says so", async () => {
    const long = Array.from({ length: 10_000 }, (_, i) => `word${i % 50}`).join(" ");
    const enc = ev.tokenizer.encode(long);
    expect(enc.ids).toHaveLength(77);
    expect(enc.ids.at(-1)).toBe(ev.tokenizer.eosId);
    expect(enc.truncated).toBe(true);
    const [t] = await ev.embedTexts([long]);
    expect(t!.truncated).toBe(true);
    expect(t!.tokenCount).toBeGreaterThan(77);
  });

  it('tokenizes like CLIP ("a red square" → 49406 320 736 3999 49407) with html and whitespace cleanup', () => {
    expect(ev.tokenizer.encode("a red square").ids).toEqual([49406, 320, 736, 3999, 49407]);
    expect(ev.tokenizer.encode("  A   RED\tsquare ").ids).toEqual([49406, 320, 736, 3999, 49407]);
    expect(ev.tokenizer.encode("a &amp; b").ids).toEqual(ev.tokenizer.encode("a & b").ids);
  });

  it("has an identity naming every model file's SHA256, which changes with any file", async () => {
    const id = ev.identity;
    expect(id.isFixture).toBe(true);
    expect(id.files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        "onnx/vision_model.onnx",
        "onnx/text_model.onnx",
        "tokenizer.json",
        "preprocessor_config.json",
      ]),
    );
    for (const f of id.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    const copy = await fs.mkdtemp(path.join(os.tmpdir(), "clip-copy-"));
    await fs.cp(FIXTURE_MODEL_DIR, copy, { recursive: true });
    const pp = JSON.parse(await fs.readFile(path.join(copy, "preprocessor_config.json"), "utf8"));
    pp.image_mean = [0.5, 0.5, 0.5];
    await fs.writeFile(path.join(copy, "preprocessor_config.json"), JSON.stringify(pp));
    const other = await ClipEvaluator.load(copy, { threads: 1 });
    expect(other.identity.id).not.toBe(id.id);
    await other.release();
    await fs.rm(copy, { recursive: true });
  });

  it("loads the fp16 variant, whose embeddings stay close to fp32", async () => {
    const half = await ClipEvaluator.load(FIXTURE_MODEL_DIR, { variant: "fp16", threads: 1 });
    expect(half.identity.files.some((f) => f.path === "onnx/vision_model_fp16.onnx")).toBe(true);
    expect(half.identity.id).not.toBe(ev.identity.id);
    const img = (await modeImages())[0]!.data;
    const [a] = await ev.embedImages([img]);
    const [b] = await half.embedImages([img]);
    expect(maxDiff(a!.embedding!, b!.embedding!)).toBeLessThan(0.05);
    await half.release();
  });

  it("explains a missing folder or variant", async () => {
    await expect(ClipEvaluator.load("/nonexistent/model")).rejects.toThrow(/does not exist/);
    await expect(ClipEvaluator.load(FIXTURE_MODEL_DIR, { variant: "quantized" })).rejects.toThrow(
      /vision_model_quantized.onnx/,
    );
  });
});
