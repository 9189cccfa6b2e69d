// Finds the evaluator model that `npm run fetch-model` installed, so the CLI and the server
// can use the real model by default.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { config } from "../core/config";
import { DEFAULT_MODEL, defaultModelName, modelVariants, onnxFileNames } from "./pinned-models";

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
  installedAt: z.iso.datetime(),
  files: z.array(installedFileSchema).min(1),
});
export type InstallManifest = z.infer<typeof installManifestSchema>;

export type InstalledModel = {
  dir: string;
  manifest: InstallManifest;
  visionModelPath: string;
  textModelPath: string;
};

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
  const onnx = onnxFileNames(manifest.variant);
  for (const p of [onnx.vision, onnx.text]) {
    if (!manifest.files.some((f) => f.path === p)) {
      throw new BrokenInstallError(dir, `${INSTALL_MANIFEST} does not list ${p}`);
    }
  }
  return {
    dir,
    manifest,
    visionModelPath: path.join(dir, onnx.vision),
    textModelPath: path.join(dir, onnx.text),
  };
}

/**
 * The installed evaluator model under modelsDir, or undefined when none is installed.
 * With several installs the default one (clip-vit-base-patch32) wins, then the newest.
 * Dot-folders (.partial, staging) are in-progress downloads and never count.
 */
export function findInstalledModel(
  modelsDir: string = config().modelsDir,
  options: { name?: string } = {},
): InstalledModel | undefined {
  if (options.name) return readInstalledModel(path.join(/*turbopackIgnore: true*/ modelsDir, options.name));
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(modelsDir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const installs = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => readInstalledModel(path.join(modelsDir, e.name)))
    .filter((m): m is InstalledModel => m !== undefined);
  const preferred = defaultModelName(DEFAULT_MODEL.repo);
  installs.sort((a, b) => {
    const pa = path.basename(a.dir) === preferred ? 0 : 1;
    const pb = path.basename(b.dir) === preferred ? 0 : 1;
    return pa - pb || b.manifest.installedAt.localeCompare(a.manifest.installedAt);
  });
  return installs[0];
}
