// Turns the trained toy CLIP's weights (research/toy-world/train.py → weights.safetensors,
// train.json) into a model folder in the HF/Xenova layout, built with the same ONNX graph
// builder as the fixture CLIP, so that lib/clip loads it unchanged.
import fs from "node:fs";
import path from "node:path";
import { buildTextModel, buildVisionModel } from "../fixtures/clip/clip-graph";
import { encodeModel } from "../fixtures/onnx-builder";
import type { ClipDims } from "../fixtures/clip/presets";
import {
  CLIP_MAX_LENGTH,
  CLIP_VOCAB_SIZE,
  buildClipSpecialTokensMap,
  buildClipTokenizerConfig,
} from "../../lib/clip/tokenizer-json";
import type { WeightTensor } from "../fixtures/clip/weights";
import { clipConfigJson, preprocessorConfigJson } from "../fixtures/clip/write-fixture-model";
import { TOY_EVALUATOR_NAME, TOY_WARNING } from "../../lib/clip/identity";
import { buildClipTokenizerJson } from "../fixtures/clip/clip-vocab";

/** train.json's `dims` (research/toy-world/train.py DIMS). */
export type TrainDims = {
  projection: number;
  eps: number;
  vision: { hidden: number; intermediate: number; layers: number; heads: number; image: number; patch: number };
  text: { hidden: number; intermediate: number; layers: number; heads: number };
};

export function toClipDims(d: TrainDims): ClipDims {
  return {
    projectionDim: d.projection,
    layerNormEps: d.eps,
    text: {
      vocabSize: CLIP_VOCAB_SIZE,
      hidden: d.text.hidden,
      intermediate: d.text.intermediate,
      layers: d.text.layers,
      heads: d.text.heads,
      maxPositions: CLIP_MAX_LENGTH,
    },
    vision: {
      hidden: d.vision.hidden,
      intermediate: d.vision.intermediate,
      layers: d.vision.layers,
      heads: d.vision.heads,
      imageSize: d.vision.image,
      patchSize: d.vision.patch,
    },
  };
}

/**
 * Reads an F32-only safetensors file (8-byte little-endian header length, JSON header with
 * dtype/shape/data_offsets, then the raw bytes) into named weight tensors.
 */
export function readSafetensors(file: string): Map<string, WeightTensor> {
  const buf = fs.readFileSync(file);
  const headerLength = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + headerLength).toString("utf8")) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLength;
  const out = new Map<string, WeightTensor>();
  for (const [name, t] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    if (t.dtype !== "F32") throw new Error(`${file}: tensor ${name} is ${t.dtype}, only F32 is supported`);
    const [start, end] = t.data_offsets;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (end - start !== count * 4)
      throw new Error(`${file}: tensor ${name} has ${end - start} bytes for ${count} floats`);
    // Copy: the slice may not be 4-byte aligned.
    const data = new Float32Array(Uint8Array.from(buf.subarray(base + start, base + end)).buffer);
    out.set(name, { name, dims: t.shape, data });
  }
  return out;
}

export type WriteToyModelOptions = { runDir: string; outDir: string; log?: (message: string) => void };

/** Writes config, preprocessor, tokenizer files and onnx/{vision,text}_model.onnx; returns the paths written. */
export function writeToyModel(opts: WriteToyModelOptions): string[] {
  const log = opts.log ?? (() => {});
  const train = JSON.parse(fs.readFileSync(path.join(opts.runDir, "train.json"), "utf8")) as {
    dims: TrainDims;
    steps: number;
    seed: number;
  };
  const dims = toClipDims(train.dims);
  const weights = readSafetensors(path.join(opts.runDir, "weights.safetensors"));
  const config = clipConfigJson(dims, "toy", train.seed);
  delete config.t2i_fixture;
  const logitScale = weights.get("logit_scale")?.data[0];
  Object.assign(config, {
    _name_or_path: TOY_EVALUATOR_NAME,
    ...(logitScale !== undefined ? { logit_scale_init_value: logitScale } : {}),
    t2i_toy: { note: TOY_WARNING, steps: train.steps, seed: train.seed, dims: train.dims },
  });
  const written: string[] = [];
  const put = (rel: string, bytes: string | Uint8Array) => {
    const file = path.join(opts.outDir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
    written.push(rel);
    log(`wrote ${rel} (${(fs.statSync(file).size / 1e6).toFixed(2)} MB)`);
  };
  const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
  put("config.json", json(config));
  put("preprocessor_config.json", json(preprocessorConfigJson(dims)));
  put("tokenizer.json", json(buildClipTokenizerJson()));
  put("tokenizer_config.json", json(buildClipTokenizerConfig()));
  put("special_tokens_map.json", json(buildClipSpecialTokensMap()));
  const graph = {
    fp16: false,
    producerName: "t2i-eval scripts/toy-export.ts",
    docString: `t2i-eval toy-world CLIP: ${TOY_WARNING}`,
    metadata: { t2i_toy_steps: String(train.steps) },
  };
  put("onnx/vision_model.onnx", encodeModel(buildVisionModel(dims, weights, graph)));
  put("onnx/text_model.onnx", encodeModel(buildTextModel(dims, weights, graph)));
  return written;
}
