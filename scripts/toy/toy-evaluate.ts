// Measures the toy-world CLIP through the product's evaluator: held-out zero-shot accuracy per
// attribute, retrieval top-1, and images/s.
import { parseCliArgs } from "../../lib/core/cli-args";
import { z } from "zod";
import { checkOptions } from "../../tools/toy/check-options";
import { ClipEvaluator } from "../../lib/clip/evaluator";
import { modelVariantSchema } from "../../lib/clip/model-folder";
import { resolveModel } from "../../lib/clip/resolve-model";
import { renderScenePng } from "../../lib/toy-world/render";
import { sampleScene, HELD_OUT_SEED_BASE } from "../../lib/toy-world/scene";
import { embeddingAgreement, semanticReport, type Agreement } from "../../tools/toy/zero-shot";

const HELP = `Usage: npm run toy:evaluate -- [--model toy|DIR] [--variant fp32|quantized] [--n N] [--pool N]
                                 [--speed N] [--batch-size N] [--threads N]

Scores held-out toy-world scenes (seeds from 1e9 up, never in a training set) through the
product's CLIP evaluator and prints JSON:
  colour, shape, position, count   zero-shot accuracy: the scene's true prompt must have the
                                   highest cosine among prompts that differ only in that
                                   attribute (chance 1/10, 1/5, 1/5, 1/3)
  retrieval                        image->caption top-1 among --pool full captions (chance 1/pool)
  imagesPerSecond                  embedding --speed pre-encoded 64x64 PNGs (decode, preprocess,
                                   vision tower), after one warm-up batch
  cosineWithFp32                   (variants other than fp32) mean and minimum cosine between this
                                   variant's and fp32's embeddings of the same images and prompts

Options:
  --model M       toy (default), fixture, or a model folder
  --variant V     fp32 (default) or quantized
  --n N           probes per attribute (default 300)
  --pool N        retrieval pool size (default 50)
  --speed N       images for the throughput figure (default 2000; 0 skips it)
  --batch-size N  evaluator batch size (default 16)
  --threads N     ONNX intra-op threads (default: cores)
  -h, --help      show this help
`;

const argsSchema = z.object({
  model: z.string().default("toy"),
  variant: modelVariantSchema.default("fp32"),
  n: z.coerce.number().int().min(3).max(100_000).default(300),
  pool: z.coerce.number().int().min(2).max(10_000).default(50),
  speed: z.coerce.number().int().min(0).max(1_000_000).default(2000),
  "batch-size": z.coerce.number().int().min(1).max(4096).default(16),
  threads: z.coerce.number().int().min(1).max(256).optional(),
});

async function main(): Promise<number> {
  const { values } = parseCliArgs(
    {
      options: {
        model: { type: "string" },
        variant: { type: "string" },
        n: { type: "string" },
        pool: { type: "string" },
        speed: { type: "string" },
        "batch-size": { type: "string" },
        threads: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    },
    { script: "toy:evaluate", usage: HELP },
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const a = checkOptions(argsSchema, values, HELP);
  if (!a) return 2;
  const model = resolveModel(a.model, a.variant);
  const evaluator = await ClipEvaluator.load(model.dir, {
    variant: model.variant,
    batchSize: a["batch-size"],
    threads: a.threads,
  });
  const report = await semanticReport(evaluator, { n: a.n, pool: a.pool });
  let imagesPerSecond: number | undefined;
  if (a.speed > 0) {
    const pngs = await Promise.all(
      Array.from({ length: a.speed }, (_, i) => renderScenePng(sampleScene(HELD_OUT_SEED_BASE - 1 - i))),
    );
    await evaluator.embedImages(pngs.slice(0, a["batch-size"]));
    const started = process.hrtime.bigint();
    await evaluator.embedImages(pngs);
    imagesPerSecond = Math.round(a.speed / (Number(process.hrtime.bigint() - started) / 1e9));
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  let agreement: Agreement | undefined;
  if (model.variant !== "fp32") {
    const reference = await ClipEvaluator.load(model.dir, {
      variant: "fp32",
      batchSize: a["batch-size"],
      threads: a.threads,
    });
    agreement = await embeddingAgreement(evaluator, reference, a.n);
    await reference.release();
  }
  const out = {
    evaluator: evaluator.identity.id,
    variant: model.variant,
    threads: evaluator.threads,
    probesPerAttribute: a.n,
    retrievalPool: a.pool,
    colour: round(report.colour),
    shape: round(report.shape),
    position: round(report.position),
    count: round(report.count),
    retrieval: round(report.retrieval),
    imagesPerSecond,
    ...(agreement ? { cosineWithFp32: agreement } : {}),
  };
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  await evaluator.release();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`toy:evaluate failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
