// npm run check:cuda: on a GPU machine, checks that the CLIP evaluator's towers open on CUDA and
// score as they do on the CPU (docs/guides/deploy.md, "Scoring on GPUs").
import sharp from "sharp";
import { ClipEvaluator } from "../../lib/clip/evaluator";
import { modelVariantSchema } from "../../lib/clip/model-folder";
import { resolveModel } from "../../lib/clip/resolve-model";
import { parseCliArgs } from "../../lib/core/cli-args";
import { cosine } from "../../lib/metrics";
import { photoLikePixels } from "../../tools/fixtures/test-images";

const HELP = `Usage: npm run check:cuda -- [options]

Loads the evaluator twice, on the CPU and on CUDA (--execution-provider cuda: no fallback),
embeds the same photo-like images and prompts with both, and compares the cosines. Prints the
provider each run used and the largest difference; exits 0 when every cosine agrees within
--tolerance, 1 when CUDA cannot be used or a cosine differs more.

CUDA needs onnxruntime-node's CUDA 12 binaries on the machine
(npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12) and CUDA 12 + cuDNN 9 libraries
on the library path.

Options:
  --model DIR       evaluator folder (default: T2I_MODEL_DIR, else the installed model)
  --variant V       fp32 | fp16 | quantized
  --images N        images to embed (default 64; 512×512)
  --tolerance T     largest allowed |cosine difference| (default 1e-4)
  -h, --help        this text
`;

async function main(): Promise<number> {
  const { values } = parseCliArgs(
    {
      options: {
        model: { type: "string" },
        variant: { type: "string" },
        images: { type: "string", default: "64" },
        tolerance: { type: "string", default: "1e-4" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    },
    { script: "check:cuda", usage: HELP },
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const n = Number(values.images);
  const tolerance = Number(values.tolerance);
  const model = resolveModel(values.model, values.variant ? modelVariantSchema.parse(values.variant) : undefined);
  const images = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      sharp(photoLikePixels(512, 512, i + 1), { raw: { width: 512, height: 512, channels: 3 } })
        .png()
        .toBuffer(),
    ),
  );
  const prompts = Array.from({ length: n }, (_, i) => `a photo of object number ${i} on a table`);

  const run = async (provider: "cpu" | "cuda") => {
    const started = performance.now();
    const ev = await ClipEvaluator.load(model.dir, { variant: model.variant, executionProvider: provider });
    console.log(`${provider}: ${ev.identity.id} on ${ev.provider.description}, batches of ${ev.batchSize}`);
    try {
      const img = await ev.embedImages(images);
      const txt = await ev.embedTexts(prompts);
      const seconds = (performance.now() - started) / 1000;
      console.log(`${provider}: ${n} images and ${n} prompts in ${seconds.toFixed(2)} s (including loading)`);
      return { ev, cos: img.map((r, i) => cosine(r.embedding!, txt[i]!.embedding)), provider: ev.provider.name };
    } finally {
      await ev.release();
    }
  };
  const cpu = await run("cpu");
  let gpu;
  try {
    gpu = await run("cuda");
  } catch (e) {
    console.error(`CUDA could not be used: ${(e as Error).message}`);
    return 1;
  }
  if (gpu.provider !== "cuda") {
    console.error(`the CUDA run ran on ${gpu.provider}`);
    return 1;
  }
  const diffs = cpu.cos.map((c, i) => Math.abs(c - gpu.cos[i]!));
  const worst = Math.max(...diffs);
  console.log(
    `largest |cosine(cpu) − cosine(cuda)| over ${n} pairs: ${worst.toExponential(2)} (tolerance ${tolerance})`,
  );
  return worst <= tolerance ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
