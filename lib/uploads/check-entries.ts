// The rules every archive entry must pass, shared by the zip and tar readers. Violations are
// collected (up to REPORT_CAP) so one 422 names every bad entry; hard limits throw at once.
import { AppError } from "../core/errors";
import { isIgnoredEntry, isManifestCandidate, normaliseEntryName } from "./entry-name";
import type { UploadLimits } from "./limits";
import { REPORT_CAP, type EntryViolation } from "./types";
import { formatBytes, tooLarge, tooManyFiles } from "./upload-errors";

export type EntryKind = "file" | "directory" | "symlink" | "hardlink" | "device" | "other";

export type EntryFacts = {
  rawName: string;
  kind: EntryKind;
  /** Declared uncompressed size. */
  size: number;
  /** Zip only: stored size, for the per-entry compression ratio. */
  compressedSize?: number;
  /** A reason the reader already knows to refuse it (encryption, unknown compression). */
  refuse?: string;
};

// Small files compress far beyond any sane ratio (a 2 KiB run of zeros), so the ratio only
// counts once an entry or stream is past this size.
export const RATIO_GRACE_BYTES = 1024 * 1024;

export class EntryChecker {
  readonly violations: EntryViolation[] = [];
  private readonly seen = new Set<string>();
  private entries = 0;
  private files = 0;

  constructor(private readonly limits: UploadLimits) {}

  /** Directories and ignored entries cost little, but an archive of millions of them still must not. */
  get maxEntries(): number {
    return 3 * this.limits.maxFiles + 100;
  }

  /** Returns the normalised name of a file entry worth extracting; undefined for skipped or refused ones. */
  check(e: EntryFacts): string | undefined {
    if (++this.entries > this.maxEntries) {
      throw new AppError("validation_failed", `the archive has more than ${this.maxEntries} entries`, {
        limit: "maxFiles",
        max: this.limits.maxFiles,
      });
    }
    const n = normaliseEntryName(e.rawName);
    if (!n.ok) {
      // "./" and "/" folder entries name the archive root itself.
      if (e.kind === "directory" && n.reason === "empty name") return undefined;
      return this.refuse(e.rawName, n.reason);
    }
    const name = n.name;
    if (isIgnoredEntry(name)) return undefined;
    if (e.kind === "directory") return undefined;
    if (e.kind !== "file")
      return this.refuse(name, `${describeKind(e.kind)} entries are not allowed; only files and folders`);
    if (e.refuse) return this.refuse(name, e.refuse);
    if (this.seen.has(name)) return this.refuse(name, "appears twice in the archive");
    this.seen.add(name);
    // One more than maxFiles leaves room for the manifest.
    if (++this.files > this.limits.maxFiles + 1) throw tooManyFiles(this.limits.maxFiles);
    if (isManifestCandidate(name) && e.size > this.limits.maxManifestBytes) {
      throw tooLarge(`the manifest "${name}"`, "maxManifestBytes", this.limits.maxManifestBytes, { entry: name });
    }
    if (e.compressedSize !== undefined && e.size > RATIO_GRACE_BYTES) {
      const ratio = e.size / Math.max(1, e.compressedSize);
      if (ratio > this.limits.maxCompressionRatio) {
        return this.refuse(
          name,
          `compression ratio ${Math.round(ratio)}:1 is over the limit of ${this.limits.maxCompressionRatio}:1 (T2I_MAX_COMPRESSION_RATIO; a zip bomb?)`,
        );
      }
    }
    if (!isManifestCandidate(name) && e.size > this.limits.maxImageBytes) {
      return this.refuse(
        name,
        `is ${formatBytes(e.size)}, over the per-file limit of ${formatBytes(this.limits.maxImageBytes)}`,
      );
    }
    return name;
  }

  refuse(entry: string, reason: string): undefined {
    this.violations.push({ entry, reason });
    if (this.violations.length >= REPORT_CAP) throw refusedEntries(this.violations, true);
    return undefined;
  }

  throwIfRefused(): void {
    if (this.violations.length > 0) throw refusedEntries(this.violations, false);
  }
}

/** 422 with `details: { entries: [{ entry, reason }], truncated? }`. */
export function refusedEntries(violations: EntryViolation[], truncated: boolean): AppError {
  const first = violations[0]!;
  const n = violations.length;
  const more = n > 1 ? ` and ${truncated ? "at least " : ""}${n - 1} more` : "";
  return new AppError("validation_failed", `archive refused: "${first.entry}" ${first.reason}${more}`, {
    entries: violations.slice(0, REPORT_CAP),
    ...(truncated ? { truncated: true } : {}),
  });
}

function describeKind(kind: EntryKind): string {
  return {
    symlink: "symbolic link",
    hardlink: "hard link",
    device: "device",
    other: "special file",
    file: "file",
    directory: "folder",
  }[kind];
}
