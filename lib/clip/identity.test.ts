// An evaluator's identity covers every byte that shapes a score: external-data files included. Two
// folders that differ only inside model.onnx_data must not share an identity, and a folder missing
// a file its graph references is refused at load, naming the file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeModel, encodeModelWithExternalData } from "../../tools/fixtures/onnx-builder";
import { writeDinov2Fixture } from "../../tools/fixtures/dinov2/write-dinov2-fixture";
import { ClipEvaluator } from "./evaluator";
import { featureExtractorIdentity, ImageFeatureExtractor } from "./feature-extractor";
import { evaluatorIdentity } from "./identity";
import { readImageModelFolder } from "./image-model-folder";
import { readModelFolder } from "./model-folder";
import { externalDataRefs } from "./onnx-external-data";

let tmp: string;
let clipExt: string;
let dino: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "identity-"));
  // The fixture CLIP with its vision tower's weights moved into onnx/vision_model.onnx_data.
  clipExt = path.join(tmp, "clip-ext");
  fs.cpSync(path.resolve("fixtures/clip-tiny"), clipExt, { recursive: true });
  const vision = path.join(clipExt, "onnx/vision_model.onnx");
  const enc = encodeModelWithExternalData(decodeModel(fs.readFileSync(vision)), "vision_model.onnx_data");
  fs.writeFileSync(vision, enc.graph);
  fs.writeFileSync(path.join(clipExt, "onnx/vision_model.onnx_data"), enc.data);
  dino = path.join(tmp, "dino");
  writeDinov2Fixture({ preset: "tiny", outDir: dino, externalData: true });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function flipByte(file: string, at: number): void {
  const b = fs.readFileSync(file);
  b[at] ^= 0x01;
  fs.writeFileSync(file, b);
}

describe("external-data files", () => {
  it("are found in the graph without reading its payloads", () => {
    const refs = externalDataRefs(path.join(clipExt, "onnx/vision_model.onnx"));
    expect(refs).toEqual([
      { location: "vision_model.onnx_data", bytesNeeded: expect.any(Number), tensors: expect.any(Number) },
    ]);
    expect(refs[0]!.bytesNeeded).toBe(fs.statSync(path.join(clipExt, "onnx/vision_model.onnx_data")).size);
    expect(externalDataRefs(path.resolve("fixtures/clip-tiny/onnx/vision_model.onnx"))).toEqual([]);
  });

  it("are part of the identity: a weight changed only in the data file gives another id", async () => {
    const copy = path.join(tmp, "clip-ext-copy");
    fs.cpSync(clipExt, copy, { recursive: true });
    const before = await evaluatorIdentity(await readModelFolder(copy));
    expect(before.files.map((f) => f.path)).toContain("onnx/vision_model.onnx_data");
    const data = path.join(copy, "onnx/vision_model.onnx_data");
    flipByte(data, fs.statSync(data).size - 3);
    const after = await evaluatorIdentity(await readModelFolder(copy));
    expect(after.id).not.toBe(before.id);
    // The graph files themselves are byte-identical: only the data file tells the two apart.
    expect(after.files.filter((f) => !f.path.endsWith("_data"))).toEqual(
      before.files.filter((f) => !f.path.endsWith("_data")),
    );
  });

  it("a CLIP with external data loads and embeds like the single-file one", async () => {
    const a = await ClipEvaluator.load(clipExt, { threads: 1 });
    const b = await ClipEvaluator.load(path.resolve("fixtures/clip-tiny"), { threads: 1 });
    const png = fs.readFileSync(path.resolve("examples/shapes/red-square-0.png"));
    const [ea] = await a.embedImages([png]);
    const [eb] = await b.embedImages([png]);
    expect(Array.from(ea!.embedding!)).toEqual(Array.from(eb!.embedding!));
    await Promise.all([a.release(), b.release()]);
  });

  it("a folder missing a referenced file is refused at load, naming the file", async () => {
    const copy = path.join(tmp, "clip-missing");
    fs.cpSync(clipExt, copy, { recursive: true });
    fs.rmSync(path.join(copy, "onnx/vision_model.onnx_data"));
    await expect(readModelFolder(copy)).rejects.toThrow(/vision_model\.onnx_data.*missing/);
    await expect(ClipEvaluator.load(copy)).rejects.toThrow(/vision_model\.onnx_data/);
    const dinoCopy = path.join(tmp, "dino-missing");
    fs.cpSync(dino, dinoCopy, { recursive: true });
    fs.truncateSync(path.join(dinoCopy, "onnx/model.onnx_data"), 100);
    await expect(ImageFeatureExtractor.load(dinoCopy)).rejects.toThrow(/model\.onnx_data.*truncated/);
  });

  it("a CLIP without external data keeps the id it had before data files were hashed", async () => {
    // MODEL_CARD.md of fixtures/clip-toy records its ids from before this change.
    expect((await evaluatorIdentity(await readModelFolder(path.resolve("fixtures/clip-toy")))).id).toBe(
      "clip-toy-world@6e39273eea22",
    );
    expect((await evaluatorIdentity(await readModelFolder(path.resolve("fixtures/clip-toy"), "quantized"))).id).toBe(
      "clip-toy-world@f08061e7c02a",
    );
  });
});

describe("feature extractor identity", () => {
  it("names the recipe and covers the data file", async () => {
    const folder = await readImageModelFolder(dino);
    const dgm = await featureExtractorIdentity(folder, "dgm-eval");
    const hf = await featureExtractorIdentity(folder, "hf");
    expect(dgm.id).toMatch(/^dinov2-tiny\+dgm-eval@[0-9a-f]{12}$/);
    expect(hf.id).toMatch(/^dinov2-tiny\+hf@/);
    expect(dgm).toMatchObject({ kind: "image-features", recipe: "dgm-eval", isFixture: true });
    expect(dgm.files.map((f) => f.path)).toEqual([
      "config.json",
      "onnx/model.onnx",
      "onnx/model.onnx_data",
      "preprocessor_config.json",
    ]);
  });

  it("an image-only folder refuses to be the CLIP evaluator, saying it serves distribution metrics only", async () => {
    await expect(ClipEvaluator.load(dino)).rejects.toThrow(/image feature extractor.*distribution metrics only/);
    const ex = await ImageFeatureExtractor.load(dino, { threads: 1 });
    expect(() => ex.embedTexts()).toThrow(/cannot embed prompts.*not CLIP score/);
    await ex.release();
  });
});
