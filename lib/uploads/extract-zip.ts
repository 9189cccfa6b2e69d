// Zip reading with yauzl: the whole central directory is checked before a byte is extracted,
// then only the entries the caller asks for are inflated, each bounded by its declared size.
import fs from "node:fs/promises";
import type { Readable } from "node:stream";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { AppError } from "../core/errors";
import { type EntryChecker, type EntryKind, RATIO_GRACE_BYTES, refusedEntries } from "./check-entries";
import type { UploadLimits } from "./limits";
import { storeStream } from "./staging";
import type { StoredFile } from "./types";
import { formatBytes } from "./upload-errors";

export type ZipArchive = {
  /** Normalised names of the file entries that passed the checks. */
  names: string[];
  extract(name: string, dest: string): Promise<StoredFile>;
  close(): void;
};

/**
 * An entry's name. Without the UTF-8 flag (bit 11) the zip spec says CP437, but macOS's Archive
 * Utility and many other tools write UTF-8 without setting it; such names are read as UTF-8
 * whenever their bytes are valid UTF-8 (CP437 text with bytes ≥ 0x80 almost never is).
 */
export function zipEntryName(entry: Pick<Entry, "generalPurposeBitFlag" | "fileNameRaw" | "extraFields">): string {
  const flagged = (entry.generalPurposeBitFlag & 0x800) !== 0;
  if (!flagged) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(entry.fileNameRaw);
    } catch {
      // not UTF-8: the spec's CP437 below
    }
  }
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
}

export async function openZipArchive(
  archivePath: string,
  limits: UploadLimits,
  checker: EntryChecker,
): Promise<ZipArchive> {
  let zip: ZipFile;
  try {
    // decodeStrings: false because yauzl would otherwise stop at the first "../" name with a bare
    // error; we decode names ourselves and report every bad entry.
    zip = await yauzl.openPromise(archivePath, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (e) {
    throw corrupt(e);
  }
  try {
    if (zip.entryCount > checker.maxEntries) {
      throw new AppError(
        "validation_failed",
        `the archive has ${zip.entryCount} entries, more than ${checker.maxEntries}`,
        {
          limit: "maxFiles",
          max: limits.maxFiles,
        },
      );
    }
    const entries = new Map<string, Entry>();
    let total = 0;
    try {
      for await (const entry of zip.eachEntry()) {
        const rawName = zipEntryName(entry);
        const name = checker.check({
          rawName,
          kind: zipEntryKind(entry, rawName),
          size: entry.uncompressedSize,
          compressedSize: entry.compressedSize,
          refuse: entry.isEncrypted()
            ? "is encrypted"
            : entry.canDecodeFileData()
              ? undefined
              : `uses an unsupported compression method (${entry.compressionMethod})`,
        });
        if (name === undefined) continue;
        total += entry.uncompressedSize;
        entries.set(name, entry);
      }
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw corrupt(e);
    }
    checker.throwIfRefused();
    // The whole archive's ratio, from the central directory: many entries each just under the
    // per-entry ratio must not add up to gigabytes written to staging.
    const archiveBytes = (await fs.stat(archivePath)).size;
    if (total > RATIO_GRACE_BYTES && total / Math.max(1, archiveBytes) > limits.maxCompressionRatio) {
      throw new AppError(
        "validation_failed",
        `the archive would expand ${Math.round(total / Math.max(1, archiveBytes))}:1 (${formatBytes(total)} from ${formatBytes(archiveBytes)}), over the limit of ${limits.maxCompressionRatio}:1 (T2I_MAX_COMPRESSION_RATIO; a zip bomb?)`,
        { limit: "maxCompressionRatio", max: limits.maxCompressionRatio },
      );
    }
    if (total > limits.maxUncompressedBytes) {
      throw new AppError(
        "validation_failed",
        `the archive would expand to ${formatBytes(total)}, over the limit of ${formatBytes(limits.maxUncompressedBytes)}`,
        { limit: "maxUncompressedBytes", max: limits.maxUncompressedBytes, uncompressedBytes: total },
      );
    }
    return {
      names: [...entries.keys()],
      extract: (name, dest) => extractEntry(zip, name, entries.get(name)!, dest),
      close: () => zip.close(),
    };
  } catch (e) {
    zip.close();
    throw e;
  }
}

async function extractEntry(zip: ZipFile, name: string, entry: Entry, dest: string): Promise<StoredFile> {
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(entry);
  } catch (e) {
    throw refusedEntries([{ entry: name, reason: `is corrupt (${message(e)})` }], false);
  }
  try {
    // The declared size was checked against the limits; yauzl and storeStream both hold the
    // entry to it, so a lying header cannot write more than was allowed.
    return (await storeStream(stream, dest, entry.uncompressedSize))!;
  } catch (e) {
    const m = message(e);
    const reason = /too many bytes|more than \d+ bytes/.test(m)
      ? `holds more than the ${entry.uncompressedSize} bytes it declares`
      : /not enough bytes/.test(m)
        ? `holds fewer than the ${entry.uncompressedSize} bytes it declares`
        : `is corrupt (${m})`;
    throw refusedEntries([{ entry: name, reason }], false);
  }
}

function zipEntryKind(entry: Entry, rawName: string): EntryKind {
  // Unix tools keep st_mode in the high 16 bits of the external attributes; DOS-made zips leave them 0.
  const type = (entry.externalFileAttributes >>> 16) & 0o170000;
  if (type === 0o120000) return "symlink";
  if (type === 0o020000 || type === 0o060000) return "device";
  if (type !== 0 && type !== 0o100000 && type !== 0o040000) return "other";
  return rawName.endsWith("/") ? "directory" : "file";
}

function corrupt(e: unknown): AppError {
  return new AppError("validation_failed", `the archive is not a readable zip file (${message(e)})`);
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 200);
}
