// The command line of `npm run fetch-model`: usage text and argument parsing into FetchModelOptions.
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { config, type Config } from "../../core/config";
import { CATALOGUE, CATALOGUE_NAMES, catalogueEntry, catalogueFolderName, fullyPinned } from "../catalogue";
import { DEFAULT_MODEL, defaultModelName, modelVariants, pinnedFilesFor } from "../pinned-models";
import { FetchModelError } from "./errors";
import { assertValidName } from "./files";
import type { FetchModelOptions } from "./options";

export const FETCH_MODEL_USAGE = `Usage: npm run fetch-model -- [--model <name>] [options]
       npm run fetch-model -- --list

Downloads an evaluator from the Hugging Face hub, checks every file's SHA256 and installs
it into <models-dir>/<name>. An existing install is replaced only after the new one is
complete and verified.

Options:
  --model <name>        a catalogue model, each pinned to one commit (--list shows them):
                        ${CATALOGUE_NAMES.join(", ")}
                        (default: vit-b-32, ${DEFAULT_MODEL.repo})
  --list                list the catalogue: conventions, variants, pinned hashes, what is installed
  --repo <owner/name>   a repository outside the catalogue (needs --revision)
  --kind <kind>         with --repo: clip (image and text towers, default) or image-features
                        (one image-only graph, onnx/model.onnx, e.g. your own Inception)
  --revision <commit>   commit to download (default: the pinned ${DEFAULT_MODEL.revision})
  --variant <variant>   ${modelVariants.join(" | ")} (default: T2I_MODEL_VARIANT, else fp32)
  --models-dir <dir>    install root (default: T2I_MODELS_DIR, else <T2I_DATA_DIR>/models)
  --name <folder>       install folder (default: last part of --repo, e.g. clip-vit-base-patch32)
  --force               reinstall, or replace an install of another revision or variant
  --allow-unverified    accept files without a published SHA256 (revisions or repositories
                        that are not pinned); their computed hashes go into install.json
  -h, --help            show this help

Files a graph keeps its weights in (external data, e.g. onnx/model.onnx_data) are
downloaded and verified like the graph; with --allow-unverified, ones the pinned list
does not name are fetched too and recorded as "computed".

Environment:
  HF_ENDPOINT   hub or mirror base URL (default: https://huggingface.co)
  HF_TOKEN      sent as "Authorization: Bearer" for gated or private repositories

An interrupted download resumes from <models-dir>/.partial/<name>/ when the same command
is run again. Exit status: 0 installed or already installed, 1 failed, 2 bad arguments.`;

const argsSchema = z.object({
  model: z.string().optional(),
  list: z.boolean().optional(),
  kind: z.enum(["clip", "image-features"], { error: "must be clip or image-features" }).optional(),
  repo: z
    .string()
    .regex(/^[^/\s]+\/[^/\s]+$/, "must look like owner/name")
    .optional(),
  revision: z
    .string()
    .regex(/^[^/\s]+$/, "must be a commit sha or a branch name without /")
    .optional(),
  variant: z.enum(modelVariants, { error: `must be one of ${modelVariants.join(", ")}` }).optional(),
  "models-dir": z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  force: z.boolean().optional(),
  "allow-unverified": z.boolean().optional(),
  help: z.boolean().optional(),
});

/**
 * Parses the command line. Config is read only when the command runs, so --help works
 * even with a broken environment.
 */
export function parseFetchModelArgs(
  argv: readonly string[],
  getConfig: () => Config = config,
): { help: true } | { list: true; modelsDir: string } | { help: false; list?: false; options: FetchModelOptions } {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        model: { type: "string" },
        list: { type: "boolean" },
        kind: { type: "string" },
        repo: { type: "string" },
        revision: { type: "string" },
        variant: { type: "string" },
        "models-dir": { type: "string" },
        name: { type: "string" },
        force: { type: "boolean" },
        "allow-unverified": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new FetchModelError("usage", (err as Error).message);
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FetchModelError("usage", `--${issue.path.join(".")} ${issue.message}`);
  }
  const args = parsed.data;
  if (args.help) return { help: true };
  if (args.list) return { list: true, modelsDir: path.resolve(args["models-dir"] ?? getConfig().modelsDir) };

  const cfg = getConfig();
  if (args.model !== undefined && args.repo !== undefined)
    throw new FetchModelError("usage", "give --model or --repo, not both");
  const entry = args.model !== undefined ? catalogueEntry(args.model) : undefined;
  if (args.model !== undefined && !entry)
    throw new FetchModelError(
      "usage",
      `--model: no catalogue model "${args.model}"; the catalogue has ${CATALOGUE_NAMES.join(", ")} (npm run fetch-model -- --list)`,
    );
  if (entry && args.kind !== undefined && args.kind !== entry.kind)
    throw new FetchModelError("usage", `--kind: ${entry.name} is ${entry.kind}`);
  const variant = args.variant ?? cfg.modelVariant;
  if (entry && !entry.files[variant]) {
    throw new FetchModelError(
      "usage",
      `--variant: ${entry.name} (${entry.repo}) has no ${variant} variant at the pinned revision; it has ${Object.keys(entry.files).join(", ")}`,
    );
  }
  const repo = entry?.repo ?? args.repo ?? DEFAULT_MODEL.repo;
  // Another repository's files cannot be checked against this repository's pinned commit.
  const pinned = entry?.revision ?? (repo === DEFAULT_MODEL.repo ? DEFAULT_MODEL.revision : undefined);
  const revision = args.revision ?? pinned;
  if (!revision) {
    throw new FetchModelError(
      "usage",
      entry
        ? `--revision is required with --model ${entry.name}: no commit of ${entry.repo} in this layout is pinned (${entry.revisionSource}); pass --revision <commit> --allow-unverified`
        : `--revision is required with --repo ${repo}`,
    );
  }
  const name = args.name ?? (entry ? catalogueFolderName(entry) : defaultModelName(repo));
  assertValidName(name);
  // A catalogue model at another revision keeps its layout but loses its pinned hashes.
  const files = entry && revision === entry.revision ? entry.files[variant] : undefined;
  return {
    help: false,
    options: {
      repo,
      revision,
      variant,
      modelsDir: path.resolve(args["models-dir"] ?? cfg.modelsDir),
      name,
      force: args.force ?? false,
      allowUnverified: args["allow-unverified"] ?? false,
      endpoint: cfg.hfEndpoint,
      token: cfg.hfToken,
      ...(entry
        ? {
            model: entry.name,
            kind: entry.kind,
            files: files ?? pinnedFilesFor(repo, revision, variant, entry.kind).files,
          }
        : args.kind
          ? { kind: args.kind }
          : {}),
    },
  };
}

/** The catalogue as `--list` prints it, with what is installed under `installed` (folder → variant). */
export function formatCatalogue(installed: Map<string, string>): string {
  const lines = ["Catalogue (npm run fetch-model -- --model <name> [--variant fp32|fp16|quantized]):", ""];
  for (const e of CATALOGUE) {
    const folder = catalogueFolderName(e);
    const variants = (Object.keys(e.files) as (keyof typeof e.files)[])
      .map((v) => `${v}${fullyPinned(e, v) ? "" : " (unverified)"}`)
      .join(", ");
    lines.push(`  ${e.name.padEnd(13)} ${e.label} — ${e.convention}`);
    lines.push(
      `  ${"".padEnd(13)} ${e.kind === "clip" ? "CLIP (score and distribution metrics)" : "image features (distribution metrics only)"}`,
    );
    lines.push(
      `  ${"".padEnd(13)} ${e.repo}@${e.revision ? e.revision.slice(0, 12) : "(no pinned revision)"}  variants: ${variants}`,
    );
    if (e.note) lines.push(`  ${"".padEnd(13)} note: ${e.note}`);
    const have = installed.get(folder);
    lines.push(`  ${"".padEnd(13)} ${have ? `installed in ${folder} (${have})` : "not installed"}`, "");
  }
  lines.push('"(unverified)": no published SHA256 pinned for a large file; --allow-unverified is needed.');
  return lines.join("\n");
}
