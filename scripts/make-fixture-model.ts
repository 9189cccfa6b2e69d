// Writes a fixture CLIP model folder (random weights, real tokenizer) in the layout of
// Xenova/clip-vit-base-patch32. Run with --help for the options.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseCliArgs } from "../lib/cli/parse-cli-args";
import { z } from "zod";
import { config } from "../lib/config";
import { PRESETS, PRESET_NAMES, type PresetName } from "../lib/clip/fixture/presets";
import { writeFixtureModel } from "../lib/clip/fixture/write-fixture-model";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const TINY_FIXTURE_DIR = path.join(REPO_ROOT, "fixtures", "clip-tiny");

const HELP = `Usage: npx tsx scripts/make-fixture-model.ts --preset tiny|vit-b-32 [--out DIR] [--seed N] [--no-fp16]

Writes a CLIP model folder with random weights and the real openai CLIP tokenizer,
laid out like the Hugging Face repo Xenova/clip-vit-base-patch32:

  config.json               CLIPConfig; "t2i_fixture" {preset, seed, note} marks it as a fixture
  preprocessor_config.json  CLIPImageProcessor settings (resize/crop to the preset's image size)
  tokenizer.json            Hugging Face tokenizers format: BPE, 49408-token vocab, CLIP merges
  tokenizer_config.json     model_max_length 77, bos/eos/pad/unk tokens
  special_tokens_map.json
  onnx/vision_model.onnx    pixel_values [batch, 3, H, W] -> image_embeds [batch, proj], last_hidden_state
  onnx/text_model.onnx      input_ids, attention_mask [batch, seq<=77] (int64) -> text_embeds, last_hidden_state
  onnx/*_fp16.onnx          the same graphs with float16 weights (float32 inputs and outputs)

Embeddings are not normalised (as HF's CLIP*ModelWithProjection). Scores computed with a
fixture are not meaningful; they exist to exercise the pipeline.

Options:
  --preset NAME   tiny      the committed test fixture: text width 16, vision width 32,
                            image 32, patch 8, 2 layers and 2 heads per tower, projection 16
                  vit-b-32  the real ViT-B/32 sizes (vision 768 wide x 12 layers, text 512 x 12,
                            image 224, patch 32, projection 512), for benchmarks: about 600 MB
                            fp32 + 300 MB fp16, written in well under a minute
  --out DIR       output folder (created if missing; files in it are overwritten)
                  default for tiny:     fixtures/clip-tiny in this repository
                  default for vit-b-32: <cache dir>/fixtures/clip-vit-b-32 (T2I_CACHE_DIR,
                                        else ~/.cache/t2i-eval)
  --seed N        weight seed, an integer 0..4294967295 (default 0); the same preset and seed
                  give byte-identical files
  --no-fp16       skip the _fp16 variants
  -h, --help      show this help
`;

const argsSchema = z.object({
  preset: z.enum(PRESET_NAMES),
  out: z.string().min(1).optional(),
  seed: z.coerce.number().int().min(0).max(0xffffffff).default(0),
  noFp16: z.boolean().default(false),
});

function defaultOutDir(preset: PresetName): string {
  return preset === "tiny" ? TINY_FIXTURE_DIR : path.join(config().cacheDir, "fixtures", "clip-vit-b-32");
}

function main(argv: string[]): number {
  const { values } = parseCliArgs({
    args: argv,
    options: {
      preset: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
      "no-fp16": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }, { script: "fixture:model", usage: HELP });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const parsed = argsSchema.safeParse({
    preset: values.preset,
    out: values.out,
    seed: values.seed,
    noFp16: values["no-fp16"],
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  --${i.path.join(".")}: ${i.message}`);
    process.stderr.write(`Invalid arguments:\n${lines.join("\n")}\n\n${HELP}`);
    return 2;
  }
  const args = parsed.data;
  const preset = PRESETS[args.preset];
  const outDir = path.resolve(args.out ?? defaultOutDir(preset.name));
  const fp16 = !args.noFp16;

  const started = Date.now();
  console.log(`writing the ${preset.name} fixture (seed ${args.seed}${fp16 ? ", with fp16" : ""}) to ${outDir}`);
  writeFixtureModel({ preset, outDir, seed: args.seed, fp16, log: (m) => console.log(`  ${m}`) });
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
