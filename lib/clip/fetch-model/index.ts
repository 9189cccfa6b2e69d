// Downloads an evaluator model from the Hugging Face hub and installs it atomically:
// resumable <modelsDir>/.partial/<name>/<path>.part files, SHA256 checks against the pinned
// LFS oids, then one rename of a complete staging folder onto <modelsDir>/<name>.
// The pieces: download.ts (one file: resume, retry, verify), install.ts (work folder, atomic
// swap, lock), progress.ts, args.ts (the command line), errors.ts, files.ts.
import fs from "node:fs/promises";
import path from "node:path";
import { INSTALL_MANIFEST, type InstallManifest } from "../installed-model";
import { DEFAULT_MODEL, pinnedFilesFor, type PinnedFile } from "../pinned-models";
import { externalDataRefs, OnnxGraphError } from "../onnx-external-data";
import { fetchFile, type Context, type InstalledFile } from "./download";
import { FetchModelError, io } from "./errors";
import { assertSafeRelativePath, assertValidName, exists } from "./files";
import { acquireLock, installAtomically, prepareWorkDir, readCurrentInstall } from "./install";
import type { FetchModelOptions } from "./options";
import { lineProgress, type ProgressFactory } from "./progress";

export { FETCH_MODEL_USAGE, formatCatalogue, parseFetchModelArgs } from "./args";
export type { FetchModelOptions } from "./options";
export { FetchModelError, type FetchModelErrorCode } from "./errors";
export {
  barProgress,
  formatBytes,
  lineProgress,
  progressFor,
  type ProgressFactory,
  type ProgressReporter,
} from "./progress";

export type FetchModelDeps = {
  fetchImpl?: typeof fetch;
  log?: (line: string) => void;
  progress?: ProgressFactory;
  /** Consecutive failed attempts (without new bytes) before giving up. */
  maxAttempts?: number;
  /** First backoff delay; doubles after each failure. */
  retryDelayMs?: number;
  /** Abort a transfer that receives nothing for this long. */
  idleTimeoutMs?: number;
  now?: () => Date;
};

export type FetchModelResult = {
  status: "installed" | "already-installed";
  dir: string;
  manifest: InstallManifest;
};

/** The repository paths of the external-data files a downloaded graph references. */
function referencedFiles(localGraph: string, repoPath: string): string[] {
  try {
    return externalDataRefs(localGraph).map((r) => path.posix.join(path.posix.dirname(repoPath), r.location));
  } catch (e) {
    if (e instanceof OnnxGraphError) throw new FetchModelError("integrity", `${repoPath}: ${e.message}`);
    throw e;
  }
}

export async function fetchModel(options: FetchModelOptions, deps: FetchModelDeps = {}): Promise<FetchModelResult> {
  const log = deps.log ?? (() => {});
  assertValidName(options.name);
  const files = options.files ?? pinnedFilesFor(options.repo, options.revision, options.variant, options.kind).files;
  for (const f of files) assertSafeRelativePath(f.path);
  const label = `${options.repo}@${options.revision} (${options.variant})`;
  const modelsDir = path.resolve(options.modelsDir);
  const finalDir = path.join(modelsDir, options.name);
  const oldDir = path.join(modelsDir, `.old-${options.name}`);

  await io(() => fs.mkdir(path.join(modelsDir, ".partial"), { recursive: true }), modelsDir);
  const release = await acquireLock(path.join(modelsDir, `.lock-${options.name}`), options.name);
  try {
    // A crash between "old aside" and "new in" leaves only .old-<name>: that is the previous
    // complete install, so put it back before looking at what is installed.
    if (!(await exists(finalDir)) && (await exists(oldDir))) await fs.rename(oldDir, finalDir);
    await fs.rm(oldDir, { recursive: true, force: true });

    const current = await readCurrentInstall(finalDir, log);
    if (!options.force) {
      if (current.kind === "installed") {
        const m = current.manifest;
        if (m.repo === options.repo && m.revision === options.revision && m.variant === options.variant) {
          log(`${label} is already installed in ${finalDir} (pass --force to reinstall)`);
          return { status: "already-installed", dir: finalDir, manifest: m };
        }
        throw new FetchModelError(
          "already-installed",
          `${finalDir} already holds ${m.repo}@${m.revision} (${m.variant}); ` +
            `pass --force to replace it with ${label}, or --name to install beside it`,
        );
      }
      if (current.kind === "foreign") {
        throw new FetchModelError(
          "already-installed",
          `${finalDir} exists but has no ${INSTALL_MANIFEST}; move it away, pass --force to replace it, or choose another --name`,
        );
      }
    }

    const unverified = files.filter((f) => f.lfs && !f.sha256);
    if (unverified.length > 0 && !options.allowUnverified) {
      throw new FetchModelError(
        "unverified",
        `no published SHA256 is pinned for ${unverified.map((f) => f.path).join(", ")} of ${label}; ` +
          `pass --allow-unverified to download anyway (the computed hashes are recorded in ${INSTALL_MANIFEST} ` +
          `as "computed"), or install a fully pinned catalogue model such as ${DEFAULT_MODEL.repo} ` +
          `(npm run fetch-model -- --list)`,
      );
    }

    const ctx: Context = {
      options,
      fetchImpl: deps.fetchImpl ?? fetch,
      log,
      progress: deps.progress ?? lineProgress(log),
      maxAttempts: deps.maxAttempts ?? 5,
      retryDelayMs: deps.retryDelayMs ?? 1000,
      idleTimeoutMs: deps.idleTimeoutMs ?? 60_000,
      workDir: path.join(modelsDir, ".partial", options.name),
    };
    await prepareWorkDir(ctx);
    log(`fetching ${label} from ${options.endpoint} into ${finalDir}`);
    const installed: InstalledFile[] = [];
    const queue: PinnedFile[] = [...files];
    for (let i = 0; i < queue.length; i++) {
      const file = queue[i]!;
      installed.push(await fetchFile(file, ctx));
      // A graph over 2 GB keeps its weights in other files: each must be in the list, verified like it.
      if (file.path.endsWith(".onnx")) {
        for (const extra of referencedFiles(path.join(ctx.workDir, file.path), file.path)) {
          if (queue.some((f) => f.path === extra)) continue;
          if (!options.allowUnverified) {
            throw new FetchModelError(
              "integrity",
              `${file.path} keeps tensors in ${extra}, which the pinned file list of ${label} does not include; ` +
                `nothing was installed (pass --allow-unverified to fetch it with a computed hash)`,
            );
          }
          log(`${file.path} keeps tensors in ${extra}: fetching it too`);
          queue.push({ path: extra, sha256: null, size: null, lfs: true });
        }
      }
    }

    const manifest: InstallManifest = {
      repo: options.repo,
      revision: options.revision,
      variant: options.variant,
      kind: options.kind ?? "clip",
      ...(options.model ? { model: options.model } : {}),
      installedAt: (deps.now ?? (() => new Date()))().toISOString(),
      files: installed,
    };
    await installAtomically(ctx, manifest, finalDir, oldDir);
    log(`installed ${label} in ${finalDir}`);
    return { status: "installed", dir: finalDir, manifest };
  } finally {
    await release();
  }
}
