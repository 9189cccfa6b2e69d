// The one check before deleting a stored image: no `images` row has its hash and no live upload
// claims it (store-claims.ts). Decided under the database's write lock (an immediate
// transaction), so no upload can commit a row for an object, or claim it, between the check and
// the removal. Used by failed uploads and generated samples (the objects they added), run and
// reference set deletes (the objects of dropped rows) and the crash clean-up.
//
// In the local folder the files go inside that transaction. In an object store the removals are
// network calls: the transaction marks the hashes as being removed, the objects go, and the marks
// are dropped; an upload that wants one of them waits for its mark to go (claimStoreFiles).
import { inArray } from "drizzle-orm";
import { getDb, type DbOrTx } from "../../db/client";
import { images } from "../../db/schema";
import { hasFile, imageKey, removeFile, THUMB_SIZES, thumbKey, type ImageFormat } from "./content-store";
import { objectStore } from "./get-object-store";
import { claimedHashes, claimOwner, markForRemoval, unmark } from "./store-claims";

// Hashes per IN (...) list, under SQLite's bound-parameter limit.
const CHUNK = 500;

/** `except`: the owner of the caller's own upload claim, which must not keep the caller's own objects. */
export type SweepOptions = { except?: string };

function hashesWithRow(tx: DbOrTx, shas: string[]): Set<string> {
  return new Set(
    tx
      .select({ sha256: images.sha256 })
      .from(images)
      .where(inArray(images.sha256, shas))
      .all()
      .map((r) => r.sha256),
  );
}

/**
 * For each of `files`, under the write lock (one transaction for all): `keep(file, referenced)` with
 * `referenced` true when an images row has its sha256 or a live upload claims it; unless kept,
 * `remove(file)` deletes it (synchronously: the local folder) and says whether a file was there.
 * Returns the files removed. `keep` defaults to `referenced`; calls are in order, after the lock
 * is taken, so `keep` may read state that must be read under it.
 */
export function sweepFilesWithoutImageRow<T extends { sha256: string }>(
  files: readonly T[],
  remove: (file: T) => boolean,
  keep: (file: T, referenced: boolean) => boolean = (_f, referenced) => referenced,
  opts: SweepOptions = {},
): T[] {
  if (files.length === 0) return [];
  return getDb().transaction(
    (tx) => {
      const removed: T[] = [];
      for (let k = 0; k < files.length; k += CHUNK) {
        const chunk = files.slice(k, k + CHUNK);
        const shas = [...new Set(chunk.map((f) => f.sha256))];
        const withRow = hashesWithRow(tx, shas);
        const claimed = claimedHashes(tx, shas, "upload", { except: opts.except });
        for (const f of chunk)
          if (!keep(f, withRow.has(f.sha256) || claimed.has(f.sha256)) && remove(f)) removed.push(f);
      }
      return removed;
    },
    { behavior: "immediate" },
  );
}

/**
 * The object-store twin of sweepFilesWithoutImageRow: decides and marks under the write lock,
 * then removes each object with `remove` (async), then drops the marks. Answers the files removed.
 */
export async function sweepObjectsWithoutImageRow<T extends { sha256: string }>(
  files: readonly T[],
  remove: (file: T) => Promise<boolean>,
  keep: (file: T, referenced: boolean) => boolean = (_f, referenced) => referenced,
  opts: SweepOptions = {},
): Promise<T[]> {
  const removed: T[] = [];
  const owner = claimOwner();
  for (let k = 0; k < files.length; k += CHUNK) {
    const chunk = files.slice(k, k + CHUNK);
    const { chosen, marks } = getDb().transaction(
      (tx) => {
        const shas = [...new Set(chunk.map((f) => f.sha256))];
        const withRow = hashesWithRow(tx, shas);
        const claimed = claimedHashes(tx, shas, "upload", { except: opts.except });
        // Another sweep removing the same hash finishes it; this one leaves it.
        const beingRemoved = claimedHashes(tx, shas, "delete", { except: owner });
        const picked = chunk.filter(
          (f) => !beingRemoved.has(f.sha256) && !keep(f, withRow.has(f.sha256) || claimed.has(f.sha256)),
        );
        return { chosen: picked, marks: markForRemoval(tx, [...new Set(picked.map((f) => f.sha256))], owner) };
      },
      { behavior: "immediate" },
    );
    try {
      for (const f of chosen) if (await remove(f)) removed.push(f);
    } finally {
      // A removal that failed leaves its object for the next sweep; the marks go either way
      // (a crash here leaves them to expire).
      unmark(marks);
    }
  }
  return removed;
}

/**
 * Deletes the stored images of `files` that no images row has and no upload claims; answers how
 * many were there and were deleted.
 */
export async function removeObjectsWithoutImageRow(
  files: readonly { sha256: string; format: ImageFormat }[],
  opts: SweepOptions = {},
): Promise<number> {
  const store = objectStore();
  if (store.kind === "local") return removeFilesWithoutImageRow(files, opts);
  // An image's cached thumbnails go with it.
  const remove = async (f: { sha256: string; format: ImageFormat }) => {
    const removed = await store.remove(imageKey(f.sha256, f.format));
    await Promise.all(THUMB_SIZES.map((size) => store.remove(thumbKey(f.sha256, size))));
    return removed;
  };
  return (await sweepObjectsWithoutImageRow(files, remove, undefined, opts)).length;
}

/** The local folder's synchronous removal (inside one transaction); the object store's runs in the background. */
export function removeFilesWithoutImageRow(
  files: readonly { sha256: string; format: ImageFormat }[],
  opts: SweepOptions = {},
): number {
  if (objectStore().kind !== "local") {
    // Callers that cannot wait (a delete answering its request) start the removal; a failure
    // leaves the objects to the periodic clean-up (remove-leftovers.ts).
    void removeObjectsWithoutImageRow(files, opts).catch((e: unknown) =>
      console.error("removing stored objects failed; the clean-up will retry:", e),
    );
    return files.length;
  }
  return sweepFilesWithoutImageRow(
    files,
    (f) => {
      if (!hasFile(f.sha256, f.format)) return false;
      removeFile(f.sha256, f.format);
      return true;
    },
    undefined,
    opts,
  ).length;
}
