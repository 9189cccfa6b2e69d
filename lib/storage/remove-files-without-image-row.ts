// The one check before deleting a stored image file: no `images` row has its hash. Taken under the
// database's write lock (an immediate transaction), so no upload can commit a row for a file
// between the check and the removal. Used by failed uploads and generated samples (the files they
// added), run and reference set deletes (the files of dropped rows) and the crash clean-up.
import { inArray } from "drizzle-orm";
import { getDb } from "../../db/client";
import { images } from "../../db/schema";
import { hasFile, removeFile, type ImageFormat } from "./content-store";

// Hashes per IN (...) list, under SQLite's bound-parameter limit.
const CHUNK = 500;

/**
 * For each of `files`, under the write lock (one transaction for all): `keep(file, hasRow)` with
 * `hasRow` true when an images row has its sha256; unless kept, `remove(file)` deletes it and says
 * whether a file was there. Returns the files removed. `keep` defaults to `hasRow`; calls are in
 * order, after the lock is taken, so `keep` may read state (claims) that must be read under it.
 */
export function sweepFilesWithoutImageRow<T extends { sha256: string }>(
  files: readonly T[],
  remove: (file: T) => boolean,
  keep: (file: T, hasRow: boolean) => boolean = (_f, hasRow) => hasRow,
): T[] {
  if (files.length === 0) return [];
  return getDb().transaction(
    (tx) => {
      const removed: T[] = [];
      for (let k = 0; k < files.length; k += CHUNK) {
        const chunk = files.slice(k, k + CHUNK);
        const shas = [...new Set(chunk.map((f) => f.sha256))];
        const withRow = new Set(
          tx
            .select({ sha256: images.sha256 })
            .from(images)
            .where(inArray(images.sha256, shas))
            .all()
            .map((r) => r.sha256),
        );
        for (const f of chunk) if (!keep(f, withRow.has(f.sha256)) && remove(f)) removed.push(f);
      }
      return removed;
    },
    { behavior: "immediate" },
  );
}

/** Deletes the content-store files of `files` that no images row has; returns how many existed and were deleted. */
export function removeFilesWithoutImageRow(files: readonly { sha256: string; format: ImageFormat }[]): number {
  return sweepFilesWithoutImageRow(files, (f) => {
    if (!hasFile(f.sha256, f.format)) return false;
    removeFile(f.sha256, f.format);
    return true;
  }).length;
}
