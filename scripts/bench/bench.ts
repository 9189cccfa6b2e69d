// npm run bench: evaluator throughput on this CPU against a baseline measured in the same run,
// alternately (A, B, B, A per round, each in its own process), so drift on this shared machine
// hits both sides: transformers.js on the same model folder, or our own fp32 when measuring int8.
// "% of peak" divides by an fp32 MatMul ceiling measured in the same run.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseCliArgs } from "../../lib/core/cli-args";
import sharp from "sharp";
import { ClipEvaluator } from "../../lib/clip/evaluator";
import * as ort from "onnxruntime-node";
import { PRESETS, type Preset } from "../../tools/fixtures/clip/presets";
import { encodeModel, floatTensor, GraphBuilder, DataType } from "../../tools/fixtures/onnx-builder";
import type { ModelVariant } from "../../lib/clip/model-folder";
import { writeFixtureModel } from "../../tools/fixtures/clip/write-fixture-model";
import { photoLikePixels } from "../../tools/fixtures/test-images";
import { config } from "../../lib/core/config";

const HELP = `Usage: npm run bench -- [options]

Measures images/s and prompts/s of the evaluator (decode + preprocess + ONNX inference,
L2-normalised embeddings out) at several batch sizes and its peak RSS, against a baseline
doing the same work: @huggingface/transformers (transformers.js) on the same model folder,
or (--baseline fp32) our own evaluator on the fp32 graphs. Per batch size and round the
two run alternately, A B B A, each in its own process (so peak RSS is its own), and the
table gives min / median / max of the ratios ours/baseline. "% of peak" divides the
vision tower's FLOPs per second by an fp32 MatMul ceiling measured by onnxruntime in the
same run (1024×1024 by 1024×1024, all cores, best of 20).

Default model: a fixture with the real sizes of --preset (random weights), written to the
cache on first use, with its int8 variant when --variant quantized asks for it (never
committed): vit-b-32 about 600 MB fp32, vit-l-14 about 1.7 GB.

Options:
  --preset NAME        vit-b-32 (default) or vit-l-14
  --variant V          fp32 (default) or quantized (int8, as research/toy-world/quantize.py)
  --baseline B         transformers.js (default; same variant) or fp32 (our fp32 graphs:
                       the int8 speed-up, plus embedding agreement)
  --model DIR          model folder instead of the preset's fixture
  --images N           images per measurement (default 64; 512×512 PNG, photo-like)
  --prompts N          prompts per measurement (default 256)
  --batch-sizes LIST   comma-separated (default 1,8,32)
  --rounds N           A B B A rounds per batch size (default 1: two ratios)
  --no-baseline        ours only
  -h, --help           this text
`;

type Result = {
  impl: string;
  variant: string;
  batch: number;
  imagesPerSec: number;
  promptsPerSec: number;
  peakRssMB: number;
};

/** Multiply-accumulates of one image through the vision tower (patch conv, blocks, projection), from the preset's sizes. */
function visionGmac(preset: Preset): number {
  const v = preset.dims.vision;
  const tokens = (v.imageSize / v.patchSize) ** 2 + 1;
  const conv = (tokens - 1) * v.hidden * 3 * v.patchSize ** 2;
  const block = tokens * (4 * v.hidden ** 2 + 2 * v.hidden * v.intermediate) + 2 * tokens ** 2 * v.hidden;
  return (conv + v.layers * block + v.hidden * preset.dims.projectionDim) / 1e9;
}

const PROMPT_WORDS = [
  "a",
  "green",
  "vase",
  "filled",
  "with",
  "red",
  "roses",
  "sitting",
  "on",
  "top",
  "of",
  "table",
  "photo",
  "corgi",
  "playing",
  "flame",
  "throwing",
  "trumpet",
  "astronaut",
  "riding",
  "horse",
];

function prompts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const len = 4 + (i % 13);
    return Array.from({ length: len }, (_, k) => PROMPT_WORDS[(i * 7 + k * 3) % PROMPT_WORDS.length]).join(" ");
  });
}

async function child(
  impl: string,
  variant: ModelVariant,
  batch: number,
  modelDir: string,
  imageDir: string,
  nPrompts: number,
): Promise<Result> {
  const files = fs
    .readdirSync(imageDir)
    .filter((f) => f.endsWith(".png"))
    .sort()
    .map((f) => path.join(imageDir, f));
  const texts = prompts(nPrompts);
  let embedImages: (files: string[]) => Promise<void>;
  let embedTexts: (t: string[]) => Promise<void>;
  if (impl === "ours") {
    const ev = await ClipEvaluator.load(modelDir, { batchSize: batch, variant });
    embedImages = async (fs_) => void (await ev.embedImages(fs_.map((f) => () => fs.promises.readFile(f))));
    embedTexts = async (t) => void (await ev.embedTexts(t));
  } else {
    const tf = await import("@huggingface/transformers");
    tf.env.allowRemoteModels = false;
    tf.env.localModelPath = path.dirname(modelDir) + "/";
    const name = path.basename(modelDir);
    const processor = await tf.AutoProcessor.from_pretrained(name);
    const tokenizer = await tf.AutoTokenizer.from_pretrained(name);
    // transformers.js names the int8 files *_quantized.onnx "q8".
    const dtype = variant === "quantized" ? "q8" : "fp32";
    const vision = await tf.CLIPVisionModelWithProjection.from_pretrained(name, { dtype, device: "cpu" });
    const text = await tf.CLIPTextModelWithProjection.from_pretrained(name, { dtype, device: "cpu" });
    embedImages = async (fs_) => {
      for (let i = 0; i < fs_.length; i += batch) {
        const imgs = await Promise.all(fs_.slice(i, i + batch).map((f) => tf.RawImage.read(f)));
        const inputs = await processor(imgs);
        const out = await vision(inputs);
        out.image_embeds.normalize(2, -1);
      }
    };
    embedTexts = async (t) => {
      for (let i = 0; i < t.length; i += batch) {
        const inputs = tokenizer(t.slice(i, i + batch), { padding: true, truncation: true });
        const out = await text(inputs);
        out.text_embeds.normalize(2, -1);
      }
    };
  }
  await embedImages(files.slice(0, batch)); // warm-up
  await embedTexts(texts.slice(0, batch));
  let t = performance.now();
  await embedImages(files);
  const imagesPerSec = files.length / ((performance.now() - t) / 1000);
  t = performance.now();
  await embedTexts(texts);
  const promptsPerSec = texts.length / ((performance.now() - t) / 1000);
  return { impl, variant, batch, imagesPerSec, promptsPerSec, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

/** GFLOP/s of onnxruntime's fp32 MatMul on this machine now: 1024³, all cores, best of 20 after warm-up. */
async function matmulCeiling(): Promise<{ gflops: number; how: string }> {
  const n = 1024;
  const g = new GraphBuilder("matmul");
  const a = g.input("a", DataType.FLOAT, [n, n]);
  const b = new Float32Array(n * n).map((_, i) => ((i * 2654435761) % 1000) / 1000 - 0.5);
  const y = g.node("MatMul", [a, g.initializer(floatTensor("b", b, [n, n]))], {}, "y");
  g.output(y, DataType.FLOAT, [n, n]);
  const threads = os.availableParallelism();
  const session = await ort.InferenceSession.create(encodeModel(g.toModel({ producerName: "bench" })), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
  });
  const feeds = { a: new ort.Tensor("float32", b.slice(), [n, n]) };
  for (let i = 0; i < 5; i++) await session.run(feeds);
  let best = Infinity;
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await session.run(feeds);
    best = Math.min(best, performance.now() - t);
  }
  await session.release();
  return {
    gflops: (2 * n ** 3) / (best / 1000) / 1e9,
    how: `onnxruntime MatMul ${n}³ fp32, ${threads} threads, best of 20`,
  };
}

/** Mean and minimum cosine between our int8 and fp32 embeddings of the same images and prompts. */
async function agreement(modelDir: string, imageDir: string, nPrompts: number) {
  const files = fs
    .readdirSync(imageDir)
    .filter((f) => f.endsWith(".png"))
    .sort()
    .slice(0, 32);
  const texts = prompts(Math.min(nPrompts, 64));
  const out: Record<string, { mean: number; min: number }> = {};
  const [a, b] = await Promise.all(
    (["fp32", "quantized"] as const).map((variant) => ClipEvaluator.load(modelDir, { variant, batchSize: 16 })),
  );
  const cos = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i]!, 0);
  const stats = (xs: number[]) => ({ mean: xs.reduce((p, q) => p + q, 0) / xs.length, min: Math.min(...xs) });
  const read = files.map((f) => () => fs.promises.readFile(path.join(imageDir, f)));
  const [ia, ib] = [await a!.embedImages(read), await b!.embedImages(read)];
  out.images = stats(ia.map((e, i) => cos(e.embedding!, ib[i]!.embedding!)));
  const [ta, tb] = [await a!.embedTexts(texts), await b!.embedTexts(texts)];
  out.prompts = stats(ta.map((e, i) => cos(e.embedding, tb[i]!.embedding)));
  await Promise.all([a!.release(), b!.release()]);
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main() {
  const { values } = parseCliArgs(
    {
      options: {
        model: { type: "string" },
        preset: { type: "string", default: "vit-b-32" },
        variant: { type: "string", default: "fp32" },
        baseline: { type: "string", default: "transformers.js" },
        rounds: { type: "string", default: "1" },
        images: { type: "string", default: "64" },
        prompts: { type: "string", default: "256" },
        "batch-sizes": { type: "string", default: "1,8,32" },
        "no-baseline": { type: "boolean", default: false },
        child: { type: "string" },
        batch: { type: "string" },
        "image-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    },
    { script: "bench", usage: HELP },
  );
  if (values.help) return void process.stdout.write(HELP);
  const presetName = values.preset!;
  if (presetName !== "vit-b-32" && presetName !== "vit-l-14") throw new Error("--preset must be vit-b-32 or vit-l-14");
  const preset = PRESETS[presetName];
  const variant = values.variant as ModelVariant;
  if (variant !== "fp32" && variant !== "quantized") throw new Error("--variant must be fp32 or quantized");
  const baseline = values.baseline!;
  if (baseline !== "transformers.js" && baseline !== "fp32")
    throw new Error("--baseline must be transformers.js or fp32");
  const cacheName = presetName === "vit-b-32" ? "clip-vit-b-32" : presetName;
  const modelDir = path.resolve(values.model ?? path.join(config().cacheDir, "fixtures", cacheName));
  if (values.child) {
    const r = await child(
      values.child,
      variant,
      Number(values.batch),
      modelDir,
      values["image-dir"]!,
      Number(values.prompts),
    );
    process.stdout.write(JSON.stringify(r) + "\n");
    return;
  }
  const needs = (v: ModelVariant) =>
    path.join(modelDir, "onnx", `vision_model${v === "fp32" ? "" : "_quantized"}.onnx`);
  const wantInt8 = variant === "quantized";
  if (!fs.existsSync(needs("fp32")) || (wantInt8 && !fs.existsSync(needs("quantized")))) {
    if (values.model)
      throw new Error(`${modelDir} has no ${path.relative(modelDir, needs(wantInt8 ? "quantized" : "fp32"))}`);
    console.log(`writing the ${presetName} fixture${wantInt8 ? " with its int8 variant" : ""} to ${modelDir} (once)…`);
    writeFixtureModel({ preset, outDir: modelDir, seed: 0, fp16: false, int8: wantInt8 });
  }
  const nImages = Number(values.images);
  const rounds = Number(values.rounds);
  const imageDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-images-"));
  for (let i = 0; i < nImages; i++) {
    const png = await sharp(photoLikePixels(512, 512, i + 1), { raw: { width: 512, height: 512, channels: 3 } })
      .png()
      .toBuffer();
    fs.writeFileSync(path.join(imageDir, `img-${String(i).padStart(4, "0")}.png`), png);
  }
  const batches = values["batch-sizes"]!.split(",").map(Number);
  const self = fileURLToPath(import.meta.url);
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ");
  const A = { impl: "ours", variant };
  const B = values["no-baseline"]
    ? undefined
    : baseline === "fp32"
      ? { impl: "ours", variant: "fp32" as ModelVariant }
      : { impl: "transformers.js", variant };
  const label = (x: { impl: string; variant: string }) => `${x.impl} ${x.variant}`;
  console.log(
    `model ${modelDir} (${presetName}${values.model ? "" : ", random weights"})\n` +
      `${nImages} images (512×512 PNG), ${values.prompts} prompts, ${os.availableParallelism()} threads, ${os.cpus()[0]?.model}\n` +
      `A = ${label(A)}${B ? `, B = ${label(B)}, order per round: A B B A` : ""}; load average at start ${load()} (1 / 5 / 15 min)\n`,
  );
  const run = (x: { impl: string; variant: string }, batch: number): Result => {
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        self,
        "--child",
        x.impl,
        "--variant",
        x.variant,
        "--batch",
        String(batch),
        "--model",
        modelDir,
        "--image-dir",
        imageDir,
        "--prompts",
        values.prompts!,
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
    );
    if (r.status !== 0) throw new Error(`${label(x)} at batch ${batch} failed (exit ${r.status})`);
    const res = JSON.parse(r.stdout.trim().split("\n").pop()!) as Result;
    console.log(
      `  measured ${label(x).padEnd(22)} batch ${String(batch).padStart(2)}: ${res.imagesPerSec.toFixed(2)} images/s, ${res.promptsPerSec.toFixed(1)} prompts/s, ${res.peakRssMB.toFixed(0)} MB (load ${load()})`,
    );
    return res;
  };
  const ceilingBefore = await matmulCeiling();
  console.log(`  fp32 MatMul ceiling: ${ceilingBefore.gflops.toFixed(1)} GFLOP/s (${ceilingBefore.how})`);
  type Row = { batch: number; a: Result[]; b: Result[] };
  const rows: Row[] = [];
  for (const batch of batches) {
    const row: Row = { batch, a: [], b: [] };
    for (let r = 0; r < rounds; r++) {
      row.a.push(run(A, batch));
      if (B) {
        row.b.push(run(B, batch));
        row.b.push(run(B, batch));
        row.a.push(run(A, batch));
      }
    }
    rows.push(row);
  }
  const ceilingAfter = await matmulCeiling();
  console.log(`  fp32 MatMul ceiling: ${ceilingAfter.gflops.toFixed(1)} GFLOP/s (after; ${ceilingAfter.how})`);
  const ceiling = Math.max(ceilingBefore.gflops, ceilingAfter.gflops);
  const gmac = visionGmac(preset);
  const agree = B && baseline === "fp32" ? await agreement(modelDir, imageDir, Number(values.prompts)) : undefined;
  fs.rmSync(imageDir, { recursive: true, force: true });

  const mmm = (xs: number[], d = 2) =>
    `${Math.min(...xs).toFixed(d)} / ${median(xs).toFixed(d)} / ${Math.max(...xs).toFixed(d)}`;
  console.log(
    `\nbatch | A images/s  prompts/s  RSS MB | B images/s  prompts/s  RSS MB | A/B images (min / median / max)  A/B prompts | A % of peak`,
  );
  for (const r of rows) {
    const med = (xs: Result[], k: "imagesPerSec" | "promptsPerSec" | "peakRssMB") => median(xs.map((x) => x[k]));
    const ratios = (k: "imagesPerSec" | "promptsPerSec") => r.a.map((a, i) => a[k] / r.b[i]![k]);
    const pct = ((med(r.a, "imagesPerSec") * gmac * 2) / ceiling) * 100;
    console.log(
      `${String(r.batch).padStart(5)} | ${med(r.a, "imagesPerSec").toFixed(2).padStart(10)}  ${med(r.a, "promptsPerSec").toFixed(1).padStart(9)}  ${med(r.a, "peakRssMB").toFixed(0).padStart(6)} | ` +
        (r.b.length
          ? `${med(r.b, "imagesPerSec").toFixed(2).padStart(10)}  ${med(r.b, "promptsPerSec").toFixed(1).padStart(9)}  ${med(r.b, "peakRssMB").toFixed(0).padStart(6)} | ${mmm(ratios("imagesPerSec")).padStart(31)}  ${mmm(ratios("promptsPerSec"))}`
          : `${"—".padStart(10)}  ${"".padStart(9)}  ${"".padStart(6)} | ${"".padStart(31)}  ${"".padStart(18)}`) +
        ` | ${pct.toFixed(1).padStart(5)}%`,
    );
  }
  console.log(
    `\nA % of peak: median A images/s × ${gmac.toFixed(2)} GMAC × 2 FLOP (${presetName} vision tower at ${preset.dims.vision.imageSize}², computed from its sizes) ÷ ${ceiling.toFixed(1)} GFLOP/s measured fp32 MatMul ceiling (the higher of before and after).` +
      (variant === "quantized" ? " int8 GEMMs are not bound by the fp32 ceiling: over 100 % is possible." : ""),
  );
  if (agree) {
    console.log(
      `int8 vs fp32 embeddings (random weights): images cosine mean ${agree.images!.mean.toFixed(5)}, min ${agree.images!.min.toFixed(5)}; prompts mean ${agree.prompts!.mean.toFixed(5)}, min ${agree.prompts!.min.toFixed(5)}`,
    );
  }
  console.log(
    `images/s covers file read, PNG decode, resize/crop/normalise and inference; a ratio > 1 means A is faster. Load average at the end ${load()}.`,
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
