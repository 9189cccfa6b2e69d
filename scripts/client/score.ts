// npm run score: score a folder of samples against their prompts from the command line.
import fs from "node:fs/promises";
import path from "node:path";
import { parseCliArgs } from "../../lib/core/cli-args";
import { SingleBar } from "cli-progress";
import { ClipEvaluator, DEFAULT_BATCH_SIZE } from "../../lib/clip/evaluator";
import { evaluatorWarning } from "../../lib/clip/identity";
import { ModelFolderError, modelVariantSchema } from "../../lib/clip/model-folder";
import { NoModelError, resolveModel } from "../../lib/clip/resolve-model";
import { config } from "../../lib/core/config";
import { ManifestError, parseManifest } from "../../lib/manifest/parse-manifest";
import { scoreBatch, type BatchItemInput, type BatchReport } from "../../lib/scoring/score-batch";
import { formatReportTable } from "../../tools/cli/format-table";

export const EXIT = { ALL_SCORED: 0, SOME_FAILED: 1, NOTHING_RAN: 2 } as const;

const HELP = `Usage: npm run score -- --manifest FILE [options]

Scores generated images against their prompts with a CLIP evaluator: per-image CLIP
score, per-prompt pairwise diversity and Vendi score, run-level means with bootstrap
confidence intervals.

The manifest is JSONL (one {"file", "prompt", "group"?} object per line) or CSV with a
header row file,prompt[,group]. group defaults to the prompt: diversity is computed
among the samples of one group.

Options:
  --manifest FILE      manifest (.jsonl or .csv)                      (required)
  --images DIR         folder the manifest's file names are relative to
                       (default: the manifest's folder)
  --model DIR          evaluator model folder (Hugging Face CLIP layout). Default: the
                       model installed by 'npm run fetch-model'. 'fixture' names the
                       bundled random-weight test model (scores not meaningful); 'toy'
                       the trained toy-world model (meaningful only on toy-world images).
  --variant V          fp32 | fp16 | quantized ONNX files (default: as installed, else fp32)
  --batch-size N       images or prompts per ONNX call (default ${DEFAULT_BATCH_SIZE})
  --format F           table | json (default: table). Through npm, run it as
                       'npm run -s score -- … --format json': without -s npm prints its own
                       '> t2i-eval score' banner on stdout before the JSON
  --out FILE           write the report to FILE instead of stdout
  --seed N             bootstrap seed (default 0; B = 1000 resamples over prompts)
  --max-pixels N       refuse images with more pixels, before decoding (default ${config().maxImagePixels})
  -h, --help           this text

Numbers: clipScore is the torchmetrics convention (100·cosine, mean clamped at 0);
clipS is Hessel et al.'s CLIP-S (2.5·max(cosine, 0)); diversity is 1 − mean pairwise
cosine within a group; Vendi is the q=1 Vendi score (1 … n).

Exit codes: 0 every item scored; 1 some items failed (each has an "error" in the report);
2 nothing could run (bad arguments, malformed manifest, no model).
`;

class UsageError extends Error {}

function parse() {
  const { values } = parseCliArgs(
    {
      options: {
        manifest: { type: "string" },
        images: { type: "string" },
        model: { type: "string" },
        variant: { type: "string" },
        "batch-size": { type: "string" },
        format: { type: "string", default: "table" },
        out: { type: "string" },
        seed: { type: "string", default: "0" },
        "max-pixels": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    },
    { script: "score", usage: HELP },
  );
  if (values.help) return undefined;
  if (!values.manifest) throw new UsageError("--manifest is required (see --help)");
  if (values.format !== "table" && values.format !== "json")
    throw new UsageError(`--format must be table or json, got "${values.format}"`);
  const int = (name: string, v: string | undefined, min: number) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${v}"`);
    return n;
  };
  const variant = values.variant === undefined ? undefined : modelVariantSchema.safeParse(values.variant);
  if (variant && !variant.success)
    throw new UsageError(`--variant must be fp32, fp16 or quantized, got "${values.variant}"`);
  return {
    manifest: path.resolve(values.manifest),
    images: values.images ? path.resolve(values.images) : path.dirname(path.resolve(values.manifest)),
    model: values.model,
    variant: variant?.data,
    batchSize: int("batch-size", values["batch-size"], 1),
    format: values.format as "table" | "json",
    out: values.out ? path.resolve(values.out) : undefined,
    seed: int("seed", values.seed, 0)!,
    maxPixels: int("max-pixels", values["max-pixels"], 1),
  };
}

/** Resolves a manifest file name inside the images folder; names that escape it are refused. */
function imagePath(root: string, file: string): string | undefined {
  const abs = path.resolve(root, file);
  const rel = path.relative(root, abs);
  return rel.startsWith("..") || path.isAbsolute(rel) ? undefined : abs;
}

async function run(): Promise<number> {
  const args = parse();
  if (!args) {
    process.stdout.write(HELP);
    return EXIT.ALL_SCORED;
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(args.manifest);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a folder; give the manifest file inside it"
          : code === "EACCES"
            ? "permission denied"
            : (e as Error).message;
    throw new UsageError(`cannot read manifest ${args.manifest}: ${why}`);
  }
  const rows = parseManifest(bytes, args.manifest, { requirePrompt: true });
  const missingPrompt = rows.findIndex((r) => r.prompt === undefined);
  if (missingPrompt >= 0)
    throw new ManifestError("needs a prompt: the CLI has no prompt set to look prompt_id up in", missingPrompt + 1);

  const model = resolveModel(args.model, args.variant);
  const evaluator = await ClipEvaluator.load(model.dir, {
    variant: model.variant,
    batchSize: args.batchSize,
    maxImagePixels: args.maxPixels,
  });
  const warning = evaluatorWarning(evaluator.identity);
  if (warning) process.stderr.write(`warning: ${warning} (${evaluator.identity.id})\n`);

  const inputs: BatchItemInput[] = await Promise.all(
    rows.map(async (r): Promise<BatchItemInput> => {
      const base = { file: r.file, prompt: r.prompt!, group: r.group };
      const abs = imagePath(args.images, r.file);
      if (!abs)
        return {
          ...base,
          image: { error: { code: "file_outside_folder", message: `${r.file} is outside ${args.images}` } },
        };
      const st = await fs.stat(abs).catch(() => undefined);
      if (!st?.isFile())
        return { ...base, image: { error: { code: "file_missing", message: `${abs} does not exist` } } };
      return { ...base, image: () => fs.readFile(abs) };
    }),
  );

  const bar = process.stderr.isTTY
    ? new SingleBar({ format: "{stage} [{bar}] {value}/{total}", hideCursor: true })
    : undefined;
  let stage = "";
  const report: BatchReport = await scoreBatch(evaluator, inputs, {
    bootstrapSeed: args.seed,
    onProgress: (s, done, total) => {
      if (!bar) return;
      if (s !== stage) {
        if (stage) bar.stop();
        stage = s;
        bar.start(total, 0, { stage: s.padEnd(7) });
      }
      bar.update(done);
    },
  });
  bar?.stop();

  const text = args.format === "json" ? JSON.stringify(report, null, 2) + "\n" : formatReportTable(report);
  if (args.out) await fs.writeFile(args.out, text);
  else process.stdout.write(text);
  return report.summary.failed > 0 ? EXIT.SOME_FAILED : EXIT.ALL_SCORED;
}

// exitCode rather than exit(): a large JSON report on a pipe must be flushed first.
run().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    const known =
      e instanceof UsageError ||
      e instanceof ManifestError ||
      e instanceof NoModelError ||
      e instanceof ModelFolderError;
    process.stderr.write(`error: ${known ? (e as Error).message : e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = EXIT.NOTHING_RAN;
  },
);
