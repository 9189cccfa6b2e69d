// Exports the trained toy CLIP (research/toy-world/train.py output) as an HF/Xenova model folder.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseCliArgs } from "../../lib/core/cli-args";
import { config } from "../../lib/core/config";
import { writeToyModel } from "../../tools/toy/write-toy-model";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

const HELP = `Usage: npm run toy:export -- [--run DIR] [--out DIR]

Builds the toy-world CLIP's model folder from a training run: config.json (named
t2i-eval/clip-toy-world, labelled "toy-world evaluator"), preprocessor_config.json (64x64,
CLIP mean/std, bicubic, centre crop), the real CLIP tokenizer files, onnx/vision_model.onnx and
onnx/text_model.onnx with the inputs, outputs and graph of the fixture CLIP (built by
tools/fixtures/clip/clip-graph.ts). The _quantized files are written afterwards by
research/toy-world/quantize.py.

Options:
  --run DIR   the training run (weights.safetensors, train.json);
              default <cache dir>/toy-world/run (T2I_CACHE_DIR, else ~/.cache/t2i-eval)
  --out DIR   default fixtures/clip-toy in this repository
  -h, --help  show this help
`;

function main(): number {
  const { values } = parseCliArgs(
    { options: { run: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } } },
    { script: "toy:export", usage: HELP },
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const runDir = path.resolve(values.run ?? path.join(config().cacheDir, "toy-world", "run"));
  const outDir = path.resolve(values.out ?? path.join(REPO_ROOT, "fixtures", "clip-toy"));
  writeToyModel({ runDir, outDir, log: (m) => process.stderr.write(`${m}\n`) });
  return 0;
}

try {
  process.exit(main());
} catch (e) {
  process.stderr.write(`toy:export failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
