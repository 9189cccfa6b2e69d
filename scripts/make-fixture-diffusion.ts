// Writes the random-weight Stable Diffusion fixture (fixtures/diffusion-tiny by default).
// Run with --help for the options.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseCliArgs } from "../lib/cli/parse-cli-args";
import { z } from "zod";
import { writeDiffusionFixture } from "../lib/diffusion/fixture/write-diffusion-fixture";

const DEFAULT_OUT = path.join(fileURLToPath(new URL("..", import.meta.url)), "fixtures", "diffusion-tiny");

const HELP = `Usage: npm run fixture:diffusion -- [--out DIR] [--seed N]

Writes a tiny Stable Diffusion model folder in the layout Hugging Face Optimum's ONNX export
writes (model_index.json, scheduler/, tokenizer/ with vocab.json + merges.txt, text_encoder/,
unet/, vae_decoder/), with random weights. Its images are noise: it exists to test the
generation pipeline (lib/diffusion) and the onnx engine of npm run gpu-worker.

Options:
  --out DIR   output folder (default: fixtures/diffusion-tiny in this repository); files the
              fixture does not write are removed from it
  --seed N    weight seed, an integer 0..4294967295 (default 0); the same seed gives
              byte-identical files
  -h, --help  this text
`;

const argsSchema = z.object({
  out: z.string().min(1).optional(),
  seed: z.coerce.number().int().min(0).max(0xffffffff).default(0),
});

function main(argv: string[]): number {
  const { values } = parseCliArgs({
    args: argv,
    options: { out: { type: "string" }, seed: { type: "string" }, help: { type: "boolean", short: "h" } },
    strict: true,
  }, { script: "fixture:diffusion", usage: HELP });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const parsed = argsSchema.safeParse({ out: values.out, seed: values.seed });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  --${i.path.join(".")}: ${i.message}`);
    process.stderr.write(`Invalid arguments:\n${lines.join("\n")}\n\n${HELP}`);
    return 2;
  }
  const outDir = path.resolve(parsed.data.out ?? DEFAULT_OUT);
  const started = Date.now();
  // A stale file from an older layout would otherwise linger in the committed fixture.
  fs.rmSync(outDir, { recursive: true, force: true });
  console.log(`writing the diffusion fixture (seed ${parsed.data.seed}) to ${outDir}`);
  const written = writeDiffusionFixture({ outDir, seed: parsed.data.seed, log: (m) => console.log(`  ${m}`) });
  const bytes = written.reduce((n, rel) => n + fs.statSync(path.join(outDir, rel)).size, 0);
  console.log(`done: ${written.length} files, ${(bytes / 1024).toFixed(0)} KiB, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
