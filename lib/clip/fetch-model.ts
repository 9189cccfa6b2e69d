// Downloads an evaluator model from the Hugging Face hub and installs it atomically:
// resumable <modelsDir>/.partial/<name>/<path>.part files, SHA256 checks against the pinned
// LFS oids, then one rename of a complete staging folder onto <modelsDir>/<name>.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { Presets, SingleBar } from "cli-progress";
import { z } from "zod";
import { config, type Config } from "../config";
import {
  BrokenInstallError,
  INSTALL_MANIFEST,
  readInstalledModel,
  type InstallManifest,
} from "./installed-model";
import {
  DEFAULT_MODEL,
  defaultModelName,
  modelVariants,
  pinnedFilesFor,
  type ModelVariant,
  type PinnedFile,
} from "./pinned-models";

export type FetchModelErrorCode =
  | "usage"
  | "unverified"
  | "already-installed"
  | "integrity"
  | "network"
  | "http"
  | "io"
  | "locked";

export class FetchModelError extends Error {
  constructor(
    readonly code: FetchModelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "FetchModelError";
  }
}

export type FetchModelOptions = {
  repo: string;
  revision: string;
  variant: ModelVariant;
  modelsDir: string;
  /** Install folder name under modelsDir. */
  name: string;
  force?: boolean;
  allowUnverified?: boolean;
  /** Hub base URL, e.g. https://huggingface.co or a mirror. */
  endpoint: string;
  token?: string;
  /** Replaces the pinned file list (tests, or a repository this project does not pin). */
  files?: readonly PinnedFile[];
};

export type ProgressReporter = { update(bytes: number): void; stop(): void };
/** Called once per transfer; `start` is the byte offset a resumed download begins at. */
export type ProgressFactory = (file: string, total: number | null, start: number) => ProgressReporter;

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

type InstalledFile = InstallManifest["files"][number];

/** A failure worth another attempt: the connection, a 5xx, or a body cut short. */
class RetryableError extends Error {
  constructor(
    readonly kind: "connect" | "transfer" | "status",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

type Context = {
  options: FetchModelOptions;
  fetchImpl: typeof fetch;
  log: (line: string) => void;
  progress: ProgressFactory;
  maxAttempts: number;
  retryDelayMs: number;
  idleTimeoutMs: number;
  workDir: string;
};

export async function fetchModel(options: FetchModelOptions, deps: FetchModelDeps = {}): Promise<FetchModelResult> {
  const log = deps.log ?? (() => {});
  assertValidName(options.name);
  const files = options.files ?? pinnedFilesFor(options.repo, options.revision, options.variant).files;
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
          `as "computed"), or use the pinned revision ${DEFAULT_MODEL.revision} of ${DEFAULT_MODEL.repo}`,
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
    for (const file of files) installed.push(await fetchFile(file, ctx));

    const manifest: InstallManifest = {
      repo: options.repo,
      revision: options.revision,
      variant: options.variant,
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

type CurrentInstall =
  | { kind: "none" }
  | { kind: "foreign" }
  | { kind: "broken" }
  | { kind: "installed"; manifest: InstallManifest };

async function readCurrentInstall(dir: string, log: (line: string) => void): Promise<CurrentInstall> {
  try {
    const installed = readInstalledModel(dir);
    if (installed) return { kind: "installed", manifest: installed.manifest };
    return (await exists(dir)) ? { kind: "foreign" } : { kind: "none" };
  } catch (err) {
    if (!(err instanceof BrokenInstallError)) throw err;
    // A broken install is replaced even without --force: nothing usable would be lost.
    log(`${err.message}; reinstalling`);
    return { kind: "broken" };
  }
}

/** Partial files only resume against the same repo@revision; otherwise start clean. */
async function prepareWorkDir(ctx: Context): Promise<void> {
  const statePath = path.join(ctx.workDir, ".fetch-state.json");
  const state = { repo: ctx.options.repo, revision: ctx.options.revision };
  const previous = await fs.readFile(statePath, "utf8").catch(() => undefined);
  if (previous !== JSON.stringify(state)) {
    await fs.rm(ctx.workDir, { recursive: true, force: true });
  }
  await io(async () => {
    await fs.mkdir(ctx.workDir, { recursive: true });
    await fs.writeFile(statePath, JSON.stringify(state));
  }, ctx.workDir);
}

async function fetchFile(file: PinnedFile, ctx: Context): Promise<InstalledFile> {
  const dest = path.join(ctx.workDir, file.path);
  const part = `${dest}.part`;
  await io(() => fs.mkdir(path.dirname(dest), { recursive: true }), dest);

  // Files are renamed from .part only after they were complete and checked, so one found
  // here came from an interrupted earlier run; recheck it rather than download it again.
  if (await exists(dest)) {
    const { sha256, size } = await hashFile(dest);
    if ((file.sha256 === null || file.sha256 === sha256) && (file.size === null || file.size === size)) {
      ctx.log(`${file.path}: already downloaded`);
      reportHash(file, sha256, ctx);
      return record(file, size, sha256);
    }
    await fs.rm(dest, { force: true });
  }

  await transfer(file, part, ctx);
  ctx.log(`${file.path}: checking sha256`);
  const { sha256, size } = await hashFile(part);
  if (file.size !== null && size !== file.size) {
    await fs.rm(part, { force: true });
    throw new FetchModelError(
      "integrity",
      `${file.path}: downloaded ${size} bytes but the published size is ${file.size}; the partial file was deleted, rerun to download it again`,
    );
  }
  if (file.sha256 !== null && sha256 !== file.sha256) {
    await fs.rm(part, { force: true });
    throw new FetchModelError(
      "integrity",
      `${file.path}: SHA256 mismatch, expected ${file.sha256}, got ${sha256}; ` +
        `the corrupted download was deleted and nothing was installed (if this repeats, your endpoint ${ctx.options.endpoint} serves different bytes)`,
    );
  }
  reportHash(file, sha256, ctx);
  await fs.rename(part, dest);
  return record(file, size, sha256);
}

function reportHash(file: PinnedFile, sha256: string, ctx: Context): void {
  if (file.sha256 !== null) return ctx.log(`${file.path}: sha256 verified`);
  ctx.log(
    file.lfs
      ? `WARNING ${file.path}: sha256 ${sha256} was computed after download and NOT verified against a published value`
      : `${file.path}: sha256 ${sha256} (small file without a published hash; recorded in ${INSTALL_MANIFEST})`,
  );
}

function record(file: PinnedFile, size: number, sha256: string): InstalledFile {
  return { path: file.path, size, sha256, verified: file.sha256 === null ? "computed" : "published" };
}

/** Brings <part> to the complete file, resuming and retrying with exponential backoff. */
async function transfer(file: PinnedFile, part: string, ctx: Context): Promise<void> {
  let failures = 0;
  for (;;) {
    let offset = await fileSize(part);
    if (file.size !== null && offset > file.size) {
      await fs.rm(part, { force: true });
      offset = 0;
    }
    if (file.size !== null && offset === file.size) return;
    try {
      await attempt(file, part, offset, ctx);
      return;
    } catch (err) {
      if (!(err instanceof RetryableError)) throw err;
      const now = await fileSize(part);
      // Count only failures that made no progress, so a long download on a flaky line
      // keeps going as long as bytes keep arriving.
      failures = now > offset ? 1 : failures + 1;
      if (failures >= ctx.maxAttempts) throw giveUp(err, file, part, now, ctx);
      const delay = ctx.retryDelayMs * 2 ** (failures - 1);
      ctx.log(
        `${file.path}: ${err.message}; retrying in ${formatDuration(delay / 1000)} from byte ${now} ` +
          `(attempt ${failures + 1} of ${ctx.maxAttempts})`,
      );
      await sleep(delay);
    }
  }
}

function giveUp(err: RetryableError, file: PinnedFile, part: string, kept: number, ctx: Context): FetchModelError {
  const resume = kept > 0 ? `; ${formatBytes(kept)} are kept in ${part} and the same command resumes from there` : "";
  const message =
    err.kind === "connect"
      ? `could not reach ${ctx.options.endpoint} (${err.message}): set HF_ENDPOINT to a mirror or check your network${resume}`
      : `download of ${file.path} failed after ${ctx.maxAttempts} attempts (${err.message})${resume}`;
  return new FetchModelError("network", message, { cause: err });
}

async function attempt(file: PinnedFile, part: string, offset: number, ctx: Context): Promise<void> {
  const { options } = ctx;
  const url = `${options.endpoint.replace(/\/+$/, "")}/${options.repo}/resolve/${encodeURIComponent(options.revision)}/${file.path}`;
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (offset > 0) headers.range = `bytes=${offset}-`;

  const controller = new AbortController();
  let idle = false;
  let timer = setTimeout(onIdle, ctx.idleTimeoutMs);
  function onIdle() {
    idle = true;
    controller.abort();
  }
  const idleError = () => new RetryableError("transfer", `no data for ${formatDuration(ctx.idleTimeoutMs / 1000)}`);

  try {
    let res: Response;
    try {
      res = await ctx.fetchImpl(url, { headers, signal: controller.signal, redirect: "follow" });
    } catch (err) {
      if (idle) throw idleError();
      throw new RetryableError("connect", describeNetworkError(err), { cause: err });
    }

    let mode: "a" | "w" = "a";
    let total: number | null;
    if (res.status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get("content-range") ?? "");
      if (!range || Number(range[1]) !== offset) {
        await res.body?.cancel();
        await fs.rm(part, { force: true });
        throw new RetryableError("transfer", `server resumed at the wrong offset (${res.headers.get("content-range")}); restarting`);
      }
      total = range[3] === "*" ? null : Number(range[3]);
    } else if (res.status === 200) {
      if (offset > 0) ctx.log(`${file.path}: server does not resume (answered 200 to a range request); restarting`);
      mode = "w";
      offset = 0;
      const length = res.headers.get("content-length");
      total = length === null ? null : Number(length);
    } else if (res.status === 416) {
      await res.body?.cancel();
      const complete = /^bytes \*\/(\d+)$/.exec(res.headers.get("content-range") ?? "");
      if (complete && Number(complete[1]) === offset) return;
      await fs.rm(part, { force: true });
      throw new RetryableError("transfer", "the partial file is longer than the file on the server; restarting");
    } else {
      await res.body?.cancel();
      throw statusError(res.status, url, options);
    }

    if (file.size !== null && total !== null && total !== file.size) {
      await res.body?.cancel();
      await fs.rm(part, { force: true });
      throw new FetchModelError(
        "integrity",
        `${file.path}: the server sends ${total} bytes but the published size is ${file.size} ` +
          `(check --revision and --variant, or whether ${options.endpoint} mirrors this revision)`,
      );
    }

    const handle = await io(() => fs.open(part, mode), part);
    const progress = ctx.progress(file.path, total ?? file.size, offset);
    let written = offset;
    try {
      if (res.body) {
        const reader = res.body.getReader();
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (err) {
            if (idle) throw idleError();
            throw new RetryableError("transfer", describeNetworkError(err), { cause: err });
          }
          if (chunk.done) break;
          clearTimeout(timer);
          timer = setTimeout(onIdle, ctx.idleTimeoutMs);
          await io(() => handle.write(chunk.value), part);
          written += chunk.value.byteLength;
          progress.update(written);
        }
      }
      await io(() => handle.sync(), part);
    } finally {
      progress.stop();
      await handle.close();
    }
    if (total !== null && written !== total) {
      throw new RetryableError("transfer", `connection closed after ${written} of ${total} bytes`);
    }
  } finally {
    clearTimeout(timer);
  }
}

function statusError(status: number, url: string, options: FetchModelOptions): Error {
  if (status >= 500 || status === 429 || status === 408) {
    return new RetryableError("status", `${url} answered ${status}`);
  }
  if (status === 401 || status === 403) {
    return new FetchModelError(
      "http",
      options.token
        ? `${url} answered ${status}: the token in HF_TOKEN has no read access to ${options.repo}`
        : `${url} answered ${status}: ${options.repo} may be gated or private; set HF_TOKEN to a token with read access`,
    );
  }
  if (status === 404) {
    return new FetchModelError(
      "http",
      `${url} answered 404: check --repo (${options.repo}), --revision (${options.revision}) and --variant (${options.variant})`,
    );
  }
  return new FetchModelError("http", `${url} answered ${status}`);
}

/**
 * Moves the verified files into a fresh staging folder, writes install.json there, then
 * swaps it in: the old install is renamed aside first and deleted only once the new one is
 * in place, so <name> is always either absent, the previous install or the new one.
 */
async function installAtomically(ctx: Context, manifest: InstallManifest, finalDir: string, oldDir: string): Promise<void> {
  const modelsDir = path.dirname(finalDir);
  const staging = path.join(modelsDir, `.staging-${ctx.options.name}`);
  await fs.rm(staging, { recursive: true, force: true });
  await io(async () => {
    for (const file of manifest.files) {
      const to = path.join(staging, file.path);
      await fs.mkdir(path.dirname(to), { recursive: true });
      await fs.rename(path.join(ctx.workDir, file.path), to);
    }
    const handle = await fs.open(path.join(staging, INSTALL_MANIFEST), "w");
    try {
      await handle.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }, staging);

  const hadOld = await exists(finalDir);
  if (hadOld) await io(() => fs.rename(finalDir, oldDir), finalDir);
  try {
    await fs.rename(staging, finalDir);
  } catch (err) {
    if (hadOld) await fs.rename(oldDir, finalDir);
    throw ioError(err, finalDir);
  }
  await fs.rm(oldDir, { recursive: true, force: true });
  await fs.rm(ctx.workDir, { recursive: true, force: true });
}

/** One fetch-model per install name at a time; a lock left by a dead process is taken over. */
async function acquireLock(lockPath: string, name: string): Promise<() => Promise<void>> {
  for (let i = 0; i < 2; i++) {
    try {
      await fs.writeFile(lockPath, String(process.pid), { flag: "wx" });
      return () => fs.rm(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw ioError(err, lockPath);
      const pid = Number(await fs.readFile(lockPath, "utf8").catch(() => ""));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new FetchModelError(
          "locked",
          `another fetch-model (pid ${pid}) is installing ${name}; wait for it, or delete ${lockPath} if that process is gone`,
        );
      }
      await fs.rm(lockPath, { force: true });
    }
  }
  throw new FetchModelError("locked", `could not take the lock ${lockPath}; delete it and rerun`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size };
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

async function io<T>(op: () => Promise<T>, target: string): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw ioError(err, target);
  }
}

function ioError(err: unknown, target: string): Error {
  if (err instanceof FetchModelError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOSPC") {
    return new FetchModelError("io", `disk full while writing ${target}: free some space or choose another --models-dir`, { cause: err });
  }
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new FetchModelError("io", `cannot write ${target} (${code}): choose a writable --models-dir or set T2I_MODELS_DIR`, { cause: err });
  }
  return new FetchModelError("io", `could not write ${target}: ${(err as Error).message}`, { cause: err });
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ""}`;
  return (err as Error)?.message ?? String(err);
}

function assertValidName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new FetchModelError("usage", `--name must be a plain folder name (letters, digits, . _ -), got "${name}"`);
  }
}

function assertSafeRelativePath(p: string): void {
  if (path.isAbsolute(p) || p.split(/[\\/]/).some((s) => s === ".." || s === "") || p === INSTALL_MANIFEST) {
    throw new FetchModelError("usage", `refusing unsafe file path in the file list: "${p}"`);
  }
}

export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB"];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${Math.max(0, Math.round(seconds * 10) / 10)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${Math.round(seconds % 60)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

function rate(bytes: number, startedAt: number): number {
  const seconds = (Date.now() - startedAt) / 1000;
  return seconds > 0 ? bytes / seconds : 0;
}

/** Progress as plain lines, one per 10 %: for logs and pipes, where a bar is noise. */
export function lineProgress(log: (line: string) => void): ProgressFactory {
  return (file, total, start) => {
    const startedAt = Date.now();
    let last = start;
    let decile = total ? Math.floor((start / total) * 10) : 0;
    const size = total ? formatBytes(total) : "size unknown";
    log(start > 0 ? `${file}: resuming at ${formatBytes(start)} of ${size}` : `${file}: downloading (${size})`);
    return {
      update(bytes) {
        last = bytes;
        if (!total) return;
        const d = Math.floor((bytes / total) * 10);
        if (d <= decile) return;
        decile = d;
        const speed = rate(bytes - start, startedAt);
        const eta = speed > 0 ? (total - bytes) / speed : Infinity;
        log(`${file}: ${d * 10}% (${formatBytes(bytes)} of ${formatBytes(total)}, ${formatBytes(speed)}/s, ETA ${formatDuration(eta)})`);
      },
      stop() {
        if (!total) log(`${file}: ${formatBytes(last)} received`);
      },
    };
  };
}

/** A cli-progress bar per file with bytes, rate and ETA, for an interactive terminal. */
export function barProgress(stream: NodeJS.WritableStream): ProgressFactory {
  return (file, total, start) => {
    // A bar for a file of a few kB only flickers; the log lines already name it.
    if (total !== null && total < 1_000_000) return { update() {}, stop() {} };
    const startedAt = Date.now();
    const bar = new SingleBar(
      {
        format: total
          ? `${file} [{bar}] {percentage}% | {done} / {size} | {speed} | ETA {eta_formatted}`
          : `${file} {done} | {speed}`,
        stream,
        hideCursor: true,
        barsize: 24,
        etaBuffer: 100,
        fps: 5,
      },
      Presets.shades_classic,
    );
    const payload = (bytes: number) => ({
      done: formatBytes(bytes),
      size: total ? formatBytes(total) : "?",
      speed: `${formatBytes(rate(bytes - start, startedAt))}/s`,
    });
    bar.start(total ?? 0, start, payload(start));
    return {
      update: (bytes) => bar.update(bytes, payload(bytes)),
      stop: () => bar.stop(),
    };
  };
}

/** A bar on a terminal, plain lines otherwise (CI logs, pipes). */
export function progressFor(stream: NodeJS.WritableStream & { isTTY?: boolean }, log: (line: string) => void): ProgressFactory {
  return stream.isTTY ? barProgress(stream) : lineProgress(log);
}

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
  repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/, "must look like owner/name").optional(),
  revision: z.string().regex(/^[^/\s]+$/, "must be a commit sha or a branch name without /").optional(),
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
