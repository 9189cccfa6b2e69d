// npm run bench:pipeline: how much of the bare evaluator's throughput survives the service
// pipeline (createRun → content store → job → chunked, cached, transactional scoring).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseCliArgs } from "../../lib/core/cli-args";
import sharp from "sharp";
import { closeDb } from "../../db/client";
import { migrate } from "../../db/migrate";
import { ClipEvaluator, DEFAULT_BATCH_SIZE } from "../../lib/clip/evaluator";
import { PRESETS } from "../../tools/fixtures/clip/presets";
import { writeFixtureModel } from "../../tools/fixtures/clip/write-fixture-model";
import { photoLikePixels } from "../../tools/fixtures/test-images";
import { config, resetConfigForTests } from "../../lib/core/config";
import { claimJob } from "../../lib/jobs/claim-job";
import { createRun, type RunItem } from "../../lib/runs/create-run";
import { scoreRun } from "../../lib/runs/score-run";
import { sha256OfFile } from "../../lib/storage/content-store";

const HELP = `Usage: npm run bench:pipeline -- [options]

Measures, in one process and on the same loaded evaluator:
  bare      ClipEvaluator.embedImages over N image files (read, decode, preprocess, inference)
  pipeline  the same N files uploaded as a run and scored end to end: createRun (hash, move
            into the content store, one transaction) + the scoring job (claim, chunked
            embedding, prompt embeddings, cosines, per-chunk commits, summarize with bootstrap,
            final commit), in a fresh data dir (no cache hits)
and prints images/s of both and pipeline/bare (the target is >= 80%). The bare figure is the
mean of a measurement before and one after the pipeline, to cancel drift on a shared machine.

Options:
  --images N       images (default 64; 512×512 photo-like PNG, 4 per prompt)
  --model DIR      model folder (default: <cache>/fixtures/clip-vit-b-32, written on first use;
                   ViT-B/32 sizes with random weights)
  --batch-size N   images per ONNX call (default ${DEFAULT_BATCH_SIZE})
  --chunk N        samples per scoring transaction (default T2I_SCORE_CHUNK = ${config().scoreChunkSize})
  -h, --help       this text
`;

const WORDS = [
  "a",
  "green",
  "vase",
  "filled",
  "with",
  "red",
  "roses",
  "on",
  "top",
  "of",
  "table",
  "photo",
  "corgi",
  "playing",
  "trumpet",
  "astronaut",
  "riding",
  "horse",
];

async function main() {
  const { values } = parseCliArgs(
    {
      options: {
        images: { type: "string", default: "64" },
        model: { type: "string" },
        "batch-size": { type: "string", default: String(DEFAULT_BATCH_SIZE) },
        chunk: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    },
    { script: "bench:pipeline", usage: HELP },
  );
  if (values.help) return void process.stdout.write(HELP);
  const positive = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${v}"`);
    return n;
  };
  const n = positive("images", values.images!);
  const batchSize = positive("batch-size", values["batch-size"]!);
  const chunkSize = values.chunk ? positive("chunk", values.chunk) : config().scoreChunkSize;
  const modelDir = path.resolve(values.model ?? path.join(config().cacheDir, "fixtures", "clip-vit-b-32"));
  if (!fs.existsSync(path.join(modelDir, "onnx", "vision_model.onnx"))) {
    if (values.model) throw new Error(`${modelDir} has no onnx/vision_model.onnx`);
    console.log(`writing the vit-b-32 fixture to ${modelDir} (once)…`);
    writeFixtureModel({ preset: PRESETS["vit-b-32"], outDir: modelDir, seed: 0, fp16: false });
  }

  // A fresh data dir (nothing cached, nothing stored), never the user's: point the config at it.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-pipeline-"));
  process.env.T2I_DATA_DIR = dataDir;
  process.env.T2I_DB_PATH = path.join(dataDir, "t2i.sqlite");
  resetConfigForTests();
  migrate();

  const imageDir = path.join(dataDir, "inputs");
  fs.mkdirSync(imageDir);
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = path.join(imageDir, `img-${String(i).padStart(5, "0")}.png`);
    fs.writeFileSync(
      file,
      await sharp(photoLikePixels(512, 512, i + 1), { raw: { width: 512, height: 512, channels: 3 } })
        .png()
        .toBuffer(),
    );
    files.push(file);
  }
  const prompt = (i: number) =>
    Array.from({ length: 4 + (i % 9) }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(" ") + ` #${i}`;

  const ev = await ClipEvaluator.load(modelDir, { batchSize });
  console.log(
    `model ${modelDir} (${ev.identity.id}), ${n} images 512×512 PNG, ${Math.ceil(n / 4)} prompts, batch ${batchSize}, chunk ${chunkSize}, ${ev.threads} threads, ${os.cpus()[0]?.model}`,
  );
  await ev.embedImages(files.slice(0, batchSize).map((f) => () => fs.promises.readFile(f))); // warm-up
  await ev.embedTexts([prompt(0)]);

  const bare = async () => {
    const t = performance.now();
    const out = await ev.embedImages(files.map((f) => () => fs.promises.readFile(f)));
    if (out.some((o) => o.error)) throw new Error("bare evaluator failed on an image");
    return n / ((performance.now() - t) / 1000);
  };
  const bare1 = await bare();

  // Staging the upload (the ingestion module's job) is not timed.
  const staging = path.join(dataDir, "staging", "bench");
  fs.mkdirSync(staging, { recursive: true });
  const items: RunItem[] = [];
  for (const [i, f] of files.entries()) {
    const staged = path.join(staging, path.basename(f));
    fs.copyFileSync(f, staged);
    items.push({
      fileName: path.basename(f),
      prompt: prompt(Math.floor(i / 4)),
      seed: i % 4,
      stagedPath: staged,
      sha256: await sha256OfFile(staged),
      bytes: fs.statSync(staged).size,
      width: 512,
      height: 512,
      format: "png",
    });
  }
  const t0 = performance.now();
  const { run } = await createRun({
    variant: "bench",
    createVariantIfMissing: { conditioningType: "other" },
    guidanceScale: 7.5,
    source: "uploaded",
    items,
  });
  const t1 = performance.now();
  const job = claimJob("bench");
  if (!job || job.runId !== run.id) throw new Error("the run's job was not claimable");
  // The same evaluator, its two embedding calls timed: the rest of the job is the database and summarising.
  const spent = { images: 0, texts: 0 };
  const timed = Object.create(ev) as ClipEvaluator;
  timed.embedImages = async (...a: Parameters<ClipEvaluator["embedImages"]>) => {
    const t = performance.now();
    try {
      return await ev.embedImages(...a);
    } finally {
      spent.images += performance.now() - t;
    }
  };
  timed.embedTexts = async (...a: Parameters<ClipEvaluator["embedTexts"]>) => {
    const t = performance.now();
    try {
      return await ev.embedTexts(...a);
    } finally {
      spent.texts += performance.now() - t;
    }
  };
  const result = await scoreRun({
    runId: run.id,
    evaluator: timed,
    lease: { jobId: job.id, workerId: "bench", leaseMs: 600_000 },
    chunkSize,
  });
  const t2 = performance.now();
  if (result.status !== "scored" || result.imageCacheHits !== 0 || result.imagesEmbedded !== n)
    throw new Error(`unexpected scoring result ${JSON.stringify(result)}`);
  const pipeline = n / ((t2 - t0) / 1000);

  const bare2 = await bare();
  const bareMean = (bare1 + bare2) / 2;
  const ratio = pipeline / bareMean;
  console.log(
    `\nbare evaluator   ${bareMean.toFixed(2)} images/s   (before ${bare1.toFixed(2)}, after ${bare2.toFixed(2)})`,
  );
  console.log(
    `pipeline         ${pipeline.toFixed(2)} images/s   (createRun ${(t1 - t0).toFixed(0)} ms, scoring job ${(t2 - t1).toFixed(0)} ms)`,
  );
  console.log(`ratio            ${(ratio * 100).toFixed(1)}%   (target >= 80%: ${ratio >= 0.8 ? "met" : "NOT met"})`);
  const total = t2 - t0;
  const rest = t2 - t1 - spent.images - spent.texts;
  const share = (ms: number) => `${ms.toFixed(0).padStart(6)} ms  ${((ms / total) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\nwhere the pipeline's ${total.toFixed(0)} ms go:`);
  console.log(`  createRun (hash check, move into the store, one transaction)  ${share(t1 - t0)}`);
  console.log(`  image embedding (chunked: no overlap across chunk borders)   ${share(spent.images)}`);
  console.log(
    `  prompt embedding (${Math.ceil(n / 4)} prompts; the bare figure has none)        ${share(spent.texts)}`,
  );
  console.log(`  database, cosines, summary with B = 1000 bootstrap           ${share(rest)}`);
  console.log(
    `  bare images at the mean rate would take ${((n / bareMean) * 1000).toFixed(0)} ms; the pipeline's image embedding took ${spent.images.toFixed(0)} ms`,
  );

  await ev.release();
  closeDb();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
