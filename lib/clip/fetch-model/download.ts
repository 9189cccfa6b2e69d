// One file of an install: resumable transfer into <file>.part with retries and backoff, then the
// size and SHA256 checks against the pinned values before the file is kept.
import fs from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { INSTALL_MANIFEST, type InstallManifest } from "../installed-model";
import type { PinnedFile } from "../pinned-models";
import { describeNetworkError, FetchModelError, io, RetryableError } from "./errors";
import { exists, fileSize, hashFile } from "./files";
import { formatBytes, formatDuration, type ProgressFactory } from "./progress";
import type { FetchModelOptions } from "./options";

export type InstalledFile = InstallManifest["files"][number];

export type Context = {
  options: FetchModelOptions;
  fetchImpl: typeof fetch;
  log: (line: string) => void;
  progress: ProgressFactory;
  maxAttempts: number;
  retryDelayMs: number;
  idleTimeoutMs: number;
  workDir: string;
};

export async function fetchFile(file: PinnedFile, ctx: Context): Promise<InstalledFile> {
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
        throw new RetryableError(
          "transfer",
          `server resumed at the wrong offset (${res.headers.get("content-range")}); restarting`,
        );
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
