// Tar and tar.gz reading with tar-stream. Entries arrive in order, so every accepted file is
// extracted as it passes; a gunzip meter aborts bombs while they are still being inflated.
import { createReadStream } from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar, { type Header } from "tar-stream";
import { AppError } from "../core/errors";
import { type EntryChecker, type EntryKind, RATIO_GRACE_BYTES } from "./check-entries";
import type { UploadLimits } from "./limits";
import { storeStream } from "./staging";
import type { StoredFile } from "./types";
import { formatBytes } from "./upload-errors";

/** Extracts every accepted file entry into `destDir`; returns them by normalised name. */
export async function extractTar(
  archivePath: string,
  gzipped: boolean,
  destDir: string,
  limits: UploadLimits,
  checker: EntryChecker,
): Promise<Map<string, StoredFile>> {
  const extract = tar.extract();
  let feedError: unknown;
  const feeding = pipeline([
    createReadStream(archivePath),
    ...(gzipped ? gunzipWithBombGuard(limits) : []),
    extract,
  ]).catch((e: unknown) => {
    feedError = e;
  });
  const files = new Map<string, StoredFile>();
  try {
    for await (const entry of extract) {
      const size = entry.header.size ?? 0;
      const name = checker.check({ rawName: entry.header.name, kind: tarEntryKind(entry.header.type), size });
      // Once anything is refused the upload fails; keep reading only to name every bad entry.
      if (name === undefined || checker.violations.length > 0) {
        entry.resume();
        continue;
      }
      const dest = path.join(destDir, String(files.size + 1).padStart(6, "0"));
      // tar-stream's entries are streamx streams: typed apart from Node's, but pipeline-compatible.
      files.set(name, (await storeStream(entry as unknown as NodeJS.ReadableStream, dest, size))!);
    }
  } catch (e) {
    await feeding;
    throw rootCause(e, feedError);
  }
  await feeding;
  if (feedError !== undefined) throw rootCause(feedError, undefined);
  checker.throwIfRefused();
  return files;
}

function tarEntryKind(type: Header["type"] | undefined): EntryKind {
  switch (type ?? "file") {
    case "file":
    case "contiguous-file":
      return "file";
    case "directory":
      return "directory";
    case "symlink":
      return "symlink";
    case "link":
      return "hardlink";
    case "character-device":
    case "block-device":
      return "device";
    default:
      return "other";
  }
}

/** Gunzip followed by a meter of what it produces against what it has consumed; a bomb is stopped after about a MiB. */
function gunzipWithBombGuard(limits: UploadLimits): Transform[] {
  const gunzip = createGunzip();
  let inflated = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      inflated += chunk.length;
      if (inflated > limits.maxUncompressedBytes) {
        return cb(
          new AppError(
            "validation_failed",
            `the archive expands to more than ${formatBytes(limits.maxUncompressedBytes)}`,
            {
              limit: "maxUncompressedBytes",
              max: limits.maxUncompressedBytes,
            },
          ),
        );
      }
      // bytesWritten counts compressed bytes the inflater has actually consumed, not merely buffered.
      if (inflated > RATIO_GRACE_BYTES && inflated / Math.max(1, gunzip.bytesWritten) > limits.maxCompressionRatio) {
        return cb(
          new AppError(
            "validation_failed",
            `the archive expands more than ${limits.maxCompressionRatio}:1 (T2I_MAX_COMPRESSION_RATIO; a gzip bomb?); refused after ${formatBytes(inflated)}`,
            { limit: "maxCompressionRatio", max: limits.maxCompressionRatio },
          ),
        );
      }
      cb(null, chunk);
    },
  });
  return [gunzip, meter];
}

/** Our own refusals win over the stream errors they cause; anything else means a broken archive. */
function rootCause(primary: unknown, secondary: unknown): AppError {
  if (primary instanceof AppError) return primary;
  if (secondary instanceof AppError) return secondary;
  const m = (primary instanceof Error ? primary.message : String(primary)).slice(0, 200);
  return new AppError("validation_failed", `the archive is not a readable tar file (${m})`);
}
