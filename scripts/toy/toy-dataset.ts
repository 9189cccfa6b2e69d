// Writes a toy-world dataset (images, captions, scene parameters) to the cache folder.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseCliArgs } from "../../lib/core/cli-args";
import { z } from "zod";
import { checkOptions } from "../../tools/toy/check-options";
import { config } from "../../lib/core/config";
import { writeToyDataset } from "../../tools/toy/write-dataset";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

const HELP = `Usage: npm run toy:dataset -- [--count N] [--seed N] [--captions K] [--val F] [--out DIR]

Renders N toy-world scenes (1-3 objects: circle, square, triangle, star, ring in ten colours,
two sizes, five named positions, four backgrounds) as 64x64 PNGs and writes, per scene, one
JSON line with the scene parameters and K captions from the caption grammar (full, partial
and minimal detail), each tokenized with the CLIP tokenizer of fixtures/clip-tiny (the real
CLIP BPE vocabulary, the same one the toy evaluator ships).

  <out>/images/NNNNNN.png   the scenes (scene i uses seed S+i)
  <out>/scenes.jsonl        {id, seed, file, split, scene, captions: [{text, level, ids}]}
  <out>/dataset.json        the options used

Never committed: research/toy-world/train.py reads it.

Options:
  --count N     scenes (default 40000)
  --seed S      first scene seed (default 0); seeds from 1e9 up are held out for tests
  --captions K  captions per scene (default 6)
  --val F       share of scenes marked "val" (default 0.05)
  --out DIR     default <cache dir>/toy-world/dataset (T2I_CACHE_DIR, else ~/.cache/t2i-eval)
  -h, --help    show this help
`;

const argsSchema = z.object({
  count: z.coerce.number().int().min(1).max(1_000_000).default(40_000),
  seed: z.coerce.number().int().min(0).default(0),
  captions: z.coerce.number().int().min(1).max(30).default(6),
  val: z.coerce.number().min(0).max(0.5).default(0.05),
  out: z.string().min(1).optional(),
});

async function main(): Promise<number> {
  const { values } = parseCliArgs(
    {
      options: {
        count: { type: "string" },
        seed: { type: "string" },
        captions: { type: "string" },
        val: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    },
    { script: "toy:dataset", usage: HELP },
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const a = checkOptions(argsSchema, values, HELP);
  if (!a) return 2;
  const outDir = path.resolve(a.out ?? path.join(config().cacheDir, "toy-world", "dataset"));
  const started = Date.now();
  await writeToyDataset({
    outDir,
    count: a.count,
    seed: a.seed,
    captionsPerScene: a.captions,
    valFraction: a.val,
    tokenizerDir: path.join(REPO_ROOT, "fixtures", "clip-tiny"),
    onProgress: (done, total) => process.stderr.write(`\r${done}/${total} scenes`),
  });
  process.stderr.write(`\nwrote ${a.count} scenes to ${outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`toy:dataset failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
