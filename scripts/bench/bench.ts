// npm run bench: evaluator throughput on this CPU, with transformers.js on the same model
// folder as the baseline, measured in the same run (this machine is shared and noisy).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseCliArgs } from "../../lib/core/cli-args";
import sharp from "sharp";
import { ClipEvaluator } from "../../lib/clip/evaluator";
import { PRESETS } from "../../tools/fixtures/clip/presets";
import { writeFixtureModel } from "../../tools/fixtures/clip/write-fixture-model";
import { photoLikePixels } from "../../tools/fixtures/test-images";
import { config } from "../../lib/core/config";

const HELP = `Usage: npm run bench -- [options]

Measures images/s and prompts/s of the evaluator (decode + preprocess + ONNX inference,
L2-normalised embeddings out) at several batch sizes, its peak RSS, and the same work done
by @huggingface/transformers (transformers.js) on the same model folder as a baseline.
Each measurement runs in its own process so peak RSS is its own. Default model: the
vit-b-32 fixture (real ViT-B/32 sizes, random weights), written to the cache on first use.

Options:
  --model DIR          model folder (default: <cache>/fixtures/clip-vit-b-32)
  --images N           images per measurement (default 64; 512×512 PNG, photo-like)
  --prompts N          prompts per measurement (default 256)
  --batch-sizes LIST   comma-separated (default 1,8,32)
  --no-baseline        skip transformers.js
  -h, --help           this text
`;

const VIT_B32_GMAC = 4.4; // multiply-accumulates per 224×224 image, vision tower

type Result = { impl: string; batch: number; imagesPerSec: number; promptsPerSec: number; peakRssMB: number };

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
    const ev = await ClipEvaluator.load(modelDir, { batchSize: batch });
    embedImages = async (fs_) => void (await ev.embedImages(fs_.map((f) => () => fs.promises.readFile(f))));
    embedTexts = async (t) => void (await ev.embedTexts(t));
  } else {
    const tf = await import("@huggingface/transformers");
    tf.env.allowRemoteModels = false;
    tf.env.localModelPath = path.dirname(modelDir) + "/";
    const name = path.basename(modelDir);
    const processor = await tf.AutoProcessor.from_pretrained(name);
    const tokenizer = await tf.AutoTokenizer.from_pretrained(name);
    const vision = await tf.CLIPVisionModelWithProjection.from_pretrained(name, { dtype: "fp32", device: "cpu" });
    const text = await tf.CLIPTextModelWithProjection.from_pretrained(name, { dtype: "fp32", device: "cpu" });
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
  return { impl, batch, imagesPerSec, promptsPerSec, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

/** A rough fp32 peak: cores × clock × FLOPs per cycle from the widest FMA the CPU advertises. */
function fp32Peak(): { gflops: number; how: string } {
  const info = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  const flags = /^flags\s*:(.*)$/m.exec(info)?.[1] ?? "";
  const cores = os.availableParallelism();
  const mhz = os.cpus()[0]?.speed || 2500;
  const perCycle = /\bavx512f\b/.test(flags) ? 64 : /\bfma\b/.test(flags) && /\bavx2\b/.test(flags) ? 32 : 8;
  const isa = perCycle === 64 ? "AVX-512 2×FMA" : perCycle === 32 ? "AVX2 2×FMA" : "SSE";
  return {
    gflops: (cores * mhz * 1e6 * perCycle) / 1e9,
    how: `${cores} cores × ${(mhz / 1000).toFixed(2)} GHz × ${perCycle} FLOP/cycle (${isa})`,
  };
}

async function main() {
  const { values } = parseCliArgs(
    {
      options: {
        model: { type: "string" },
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
  const modelDir = path.resolve(values.model ?? path.join(config().cacheDir, "fixtures", "clip-vit-b-32"));
  if (values.child) {
    const r = await child(values.child, Number(values.batch), modelDir, values["image-dir"]!, Number(values.prompts));
    process.stdout.write(JSON.stringify(r) + "\n");
    return;
  }
  if (!fs.existsSync(path.join(modelDir, "onnx", "vision_model.onnx"))) {
    if (values.model) throw new Error(`${modelDir} has no onnx/vision_model.onnx`);
    console.log(`writing the vit-b-32 fixture to ${modelDir} (once)…`);
    writeFixtureModel({ preset: PRESETS["vit-b-32"], outDir: modelDir, seed: 0, fp16: false });
  }
  const nImages = Number(values.images);
  const imageDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-images-"));
  for (let i = 0; i < nImages; i++) {
    const png = await sharp(photoLikePixels(512, 512, i + 1), { raw: { width: 512, height: 512, channels: 3 } })
      .png()
      .toBuffer();
    fs.writeFileSync(path.join(imageDir, `img-${String(i).padStart(4, "0")}.png`), png);
  }
  const batches = values["batch-sizes"]!.split(",").map(Number);
  const impls = values["no-baseline"] ? ["ours"] : ["ours", "transformers.js"];
  const self = fileURLToPath(import.meta.url);
  console.log(
    `model ${modelDir}\n${nImages} images (512×512 PNG), ${values.prompts} prompts, ${os.availableParallelism()} threads, ${os.cpus()[0]?.model}\n`,
  );
  const results: Result[] = [];
  for (const batch of batches) {
    for (const impl of impls) {
      const r = spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          self,
          "--child",
          impl,
          "--batch",
          String(batch),
          "--model",
          modelDir,
          "--image-dir",
          imageDir,
          "--prompts",
          values.prompts!,
        ],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      if (r.status !== 0) throw new Error(`${impl} at batch ${batch} failed (exit ${r.status})`);
      const res = JSON.parse(r.stdout.trim().split("\n").pop()!) as Result;
      results.push(res);
      console.log(
        `  measured ${impl.padEnd(15)} batch ${String(batch).padStart(2)}: ${res.imagesPerSec.toFixed(2)} images/s, ${res.promptsPerSec.toFixed(1)} prompts/s`,
      );
    }
  }
  fs.rmSync(imageDir, { recursive: true, force: true });

  const peak = fp32Peak();
  console.log(
    "\nbatch  images/s  prompts/s  peak RSS  | transformers.js images/s  prompts/s  peak RSS | ratio images  prompts | % fp32 peak",
  );
  for (const batch of batches) {
    const o = results.find((r) => r.impl === "ours" && r.batch === batch)!;
    const b = results.find((r) => r.impl !== "ours" && r.batch === batch);
    const pct = ((o.imagesPerSec * VIT_B32_GMAC * 2) / peak.gflops) * 100;
    console.log(
      `${String(batch).padStart(5)}  ${o.imagesPerSec.toFixed(2).padStart(8)}  ${o.promptsPerSec.toFixed(1).padStart(9)}  ${o.peakRssMB.toFixed(0).padStart(5)} MB` +
        (b
          ? `  | ${b.imagesPerSec.toFixed(2).padStart(24)}  ${b.promptsPerSec.toFixed(1).padStart(9)}  ${b.peakRssMB.toFixed(0).padStart(5)} MB | ${(o.imagesPerSec / b.imagesPerSec).toFixed(2).padStart(11)}×  ${(o.promptsPerSec / b.promptsPerSec).toFixed(2).padStart(6)}×`
          : "  |" + " ".repeat(53) + "|" + " ".repeat(22)) +
        ` | ${pct.toFixed(1).padStart(5)}%`,
    );
  }
  console.log(
    `\nfp32 peak estimate: ${peak.gflops.toFixed(0)} GFLOP/s = ${peak.how}; ViT-B/32 ≈ ${VIT_B32_GMAC} GMAC/image (vision tower).`,
  );
  console.log(
    "images/s covers file read, PNG decode, resize/crop/normalise and inference; ratio > 1 means faster than transformers.js.",
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
