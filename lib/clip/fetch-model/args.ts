// The command line of `npm run fetch-model`: usage text and argument parsing into FetchModelOptions.
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { config, type Config } from "../../core/config";
import { DEFAULT_MODEL, defaultModelName, modelVariants } from "../pinned-models";
import { FetchModelError } from "./errors";
import { assertValidName } from "./files";
import type { FetchModelOptions } from "./options";

export const FETCH_MODEL_USAGE = `Usage: npm run fetch-model -- [options]

Downloads the CLIP evaluator model from the Hugging Face hub, checks every file's SHA256
and installs it into <models-dir>/<name>. An existing install is replaced only after the
new one is complete and verified.

Options:
  --repo <owner/name>   repository (default: ${DEFAULT_MODEL.repo})
  --revision <commit>   commit to download (default: the pinned ${DEFAULT_MODEL.revision})
  --variant <variant>   ${modelVariants.join(" | ")} (default: T2I_MODEL_VARIANT, else fp32)
  --models-dir <dir>    install root (default: T2I_MODELS_DIR, else <T2I_DATA_DIR>/models)
  --name <folder>       install folder (default: last part of --repo, e.g. clip-vit-base-patch32)
  --force               reinstall, or replace an install of another revision or variant
  --allow-unverified    accept files without a published SHA256 (revisions or repositories
                        that are not pinned); their computed hashes go into install.json
  -h, --help            show this help

Environment:
  HF_ENDPOINT   hub or mirror base URL (default: https://huggingface.co)
  HF_TOKEN      sent as "Authorization: Bearer" for gated or private repositories

An interrupted download resumes from <models-dir>/.partial/<name>/ when the same command
is run again. Exit status: 0 installed or already installed, 1 failed, 2 bad arguments.`;

const argsSchema = z.object({
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
): { help: true } | { help: false; options: FetchModelOptions } {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
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

  const cfg = getConfig();
  const repo = args.repo ?? DEFAULT_MODEL.repo;
  // Another repository's files cannot be checked against this repository's pinned commit.
  const revision = args.revision ?? (repo === DEFAULT_MODEL.repo ? DEFAULT_MODEL.revision : undefined);
  if (!revision) throw new FetchModelError("usage", `--revision is required with --repo ${repo}`);
  const name = args.name ?? defaultModelName(repo);
  assertValidName(name);
  return {
    help: false,
    options: {
      repo,
      revision,
      variant: args.variant ?? cfg.modelVariant,
      modelsDir: path.resolve(args["models-dir"] ?? cfg.modelsDir),
      name,
      force: args.force ?? false,
      allowUnverified: args["allow-unverified"] ?? false,
      endpoint: cfg.hfEndpoint,
      token: cfg.hfToken,
    },
  };
}
