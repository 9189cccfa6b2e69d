// Finds the evaluator model that `npm run fetch-model` installed, so the CLI and the server
// can use the real model by default.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { config } from "../core/config";
import { DEFAULT_MODEL, defaultModelName, modelVariants, onnxFileNames, type ModelVariant } from "./pinned-models";
import { externalDataRefs, OnnxGraphError } from "./onnx-external-data";

export const INSTALL_MANIFEST = "install.json";

export const installedFileSchema = z.object({
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** "published": matched the pinned hub hash; "computed": only hashed after download. */
  verified: z.enum(["published", "computed"]),
});

export const installManifestSchema = z.object({
  repo: z.string().min(1),
  revision: z.string().min(1),
  variant: z.enum(modelVariants),
  /** "clip" (image and text towers) or "image-features" (one image-only graph); installs before kinds are CLIPs. */
  kind: z.enum(["clip", "image-features"]).default("clip"),
  /** The catalogue name it was installed as (lib/clip/catalogue.ts), if any. */
  model: z.string().min(1).optional(),
  installedAt: z.iso.datetime(),
  files: z.array(installedFileSchema).min(1),
});
export type InstallManifest = z.infer<typeof installManifestSchema>;
export type InstallManifestInput = z.input<typeof installManifestSchema>;

export type InstalledModel = {
  dir: string;
  manifest: InstallManifest;
  /** The ONNX graphs of the installed variant (vision and text for a CLIP; one for an image feature extractor). */
  graphs: string[];
};

/** The ONNX graphs an install of `kind` and `variant` must hold, relative to its folder. */
export function installGraphs(kind: InstallManifest["kind"], variant: ModelVariant): string[] {
  if (kind === "image-features") return [`onnx/model${variant === "fp32" ? "" : `_${variant}`}.onnx`];
  const onnx = onnxFileNames(variant);
  return [onnx.vision, onnx.text];
}

/** A folder has an install.json but cannot be used as it is. */
export class BrokenInstallError extends Error {
  constructor(
    readonly dir: string,
    problem: string,
  ) {
    super(`the model in ${dir} is unusable: ${problem}; reinstall it with \`npm run fetch-model -- --force\``);
    this.name = "BrokenInstallError";
  }
}

/**
 * Reads <dir>/install.json and checks that every listed file is present with its recorded
 * size (hashes are checked at install time; rehashing 600 MB at every start is too slow).
 * Returns undefined when the folder holds no install; throws BrokenInstallError otherwise.
 */
export function readInstalledModel(dir: string): InstalledModel | undefined {
  const manifestPath = path.join(dir, INSTALL_MANIFEST);
  let text: string;
  try {
    text = fs.readFileSync(manifestPath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ENOTDIR") {
      return undefined;
    }
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BrokenInstallError(dir, `${INSTALL_MANIFEST} is not valid JSON`);
  }
  const parsed = installManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BrokenInstallError(dir, `${INSTALL_MANIFEST} is invalid (${issue.path.join(".")}: ${issue.message})`);
  }
  const manifest = parsed.data;
  for (const file of manifest.files) {
    let size: number;
    try {
      size = fs.statSync(path.join(dir, file.path)).size;
    } catch {
      throw new BrokenInstallError(dir, `${file.path} is missing`);
    }
    if (size !== file.size) {
      throw new BrokenInstallError(dir, `${file.path} has ${size} bytes, install.json records ${file.size}`);
    }
  }
  const graphs = installGraphs(manifest.kind, manifest.variant);
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const p of graphs) {
    if (!listed.has(p)) throw new BrokenInstallError(dir, `${INSTALL_MANIFEST} does not list ${p}`);
    // Every file the graph reads must be listed too: the identity is computed from this list.
    let refs: ReturnType<typeof externalDataRefs>;
    try {
      refs = externalDataRefs(path.join(dir, p));
    } catch (e) {
      if (e instanceof OnnxGraphError) throw new BrokenInstallError(dir, e.message);
      throw e;
    }
    for (const ref of refs) {
      const rel = path.posix.join(path.posix.dirname(p), ref.location);
      if (!listed.has(rel))
        throw new BrokenInstallError(dir, `${p} keeps tensors in ${rel}, which ${INSTALL_MANIFEST} does not list`);
    }
  }
  return { dir, manifest, graphs: graphs.map((g) => path.join(dir, g)) };
}

/**
 * The installed evaluator model (a CLIP, unless `kind` says otherwise) under modelsDir, or
 * undefined when none is installed. With several installs the default one
 * (clip-vit-base-patch32) wins, then the newest.
 */
export function findInstalledModel(
  modelsDir: string = config().modelsDir,
  options: { name?: string; kind?: InstallManifest["kind"] } = {},
): InstalledModel | undefined {
  if (options.name) return readInstalledModel(path.join(/*turbopackIgnore: true*/ modelsDir, options.name));
  return listInstalledModels(modelsDir).find((m) => m.manifest.kind === (options.kind ?? "clip"));
}

/**
 * Every install under modelsDir, the default one (clip-vit-base-patch32) first, then the newest.
 * Dot-folders (.partial, staging) are in-progress downloads and never count.
 */
export function listInstalledModels(modelsDir: string = config().modelsDir): InstalledModel[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(modelsDir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const installs = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => readInstalledModel(path.join(/*turbopackIgnore: true*/ modelsDir, e.name)))
    .filter((m): m is InstalledModel => m !== undefined);
  const preferred = defaultModelName(DEFAULT_MODEL.repo);
  installs.sort((a, b) => {
    const pa = path.basename(a.dir) === preferred ? 0 : 1;
    const pb = path.basename(b.dir) === preferred ? 0 : 1;
    return pa - pb || b.manifest.installedAt.localeCompare(a.manifest.installedAt);
  });
  return installs;
}
