// Deleting content nobody uses any more, in two steps that tolerate a crash in between:
// 1. inside the caller's transaction, `dropUnusedImageRows` deletes the images rows (and their
//    cached embeddings) that no sample references any more and returns them;
// 2. after the commit, `removeOrphanFiles` deletes their files, each only if no images row has
//    reappeared (an upload of the same content may have committed in between), under the write
//    lock so that no upload can commit a reference to a file while it is being deleted.
// A crash between 1 and 2 leaves files without rows, which the start-up clean-up removes.
import { and, eq, inArray } from "drizzle-orm";
import { getDb, type DbOrTx } from "../../db/client";
import { embeddings, images, samples } from "../../db/schema";
import { hasFile, removeFile } from "./content-store";
import { asImageFormat } from "./get-image-or-throw";

export type OrphanImage = { sha256: string; format: string };

// Bound parameters per statement, under SQLite's limit.
const CHUNK = 500;

/** Of `candidates`, deletes the image rows no sample uses (with their embeddings); returns those. */
export function dropUnusedImageRows(tx: DbOrTx, candidates: readonly OrphanImage[]): OrphanImage[] {
  const orphans: OrphanImage[] = [];
  for (let k = 0; k < candidates.length; k += CHUNK) {
    const slice = candidates.slice(k, k + CHUNK);
    const used = new Set(
      tx
        .selectDistinct({ sha256: samples.imageSha256 })
        .from(samples)
        .where(
          inArray(
            samples.imageSha256,
            slice.map((c) => c.sha256),
          ),
        )
        .all()
        .map((r) => r.sha256),
    );
    const unused = slice.filter((c) => !used.has(c.sha256));
    if (unused.length === 0) continue;
    const shas = unused.map((u) => u.sha256);
    // The cache entries of deleted content could never be looked up again.
    tx.delete(embeddings)
      .where(and(eq(embeddings.kind, "image"), inArray(embeddings.key, shas)))
      .run();
    tx.delete(images).where(inArray(images.sha256, shas)).run();
    orphans.push(...unused);
  }
  return orphans;
}

/** Deletes the files of `orphans` that no images row references again; returns how many. */
export function removeOrphanFiles(orphans: readonly OrphanImage[]): number {
  if (orphans.length === 0) return 0;
  return getDb().transaction(
    (tx) => {
      let deleted = 0;
      for (let k = 0; k < orphans.length; k += CHUNK) {
        const chunk = orphans.slice(k, k + CHUNK);
        const back = new Set(
          tx
            .select({ sha256: images.sha256 })
            .from(images)
            .where(
              inArray(
                images.sha256,
                chunk.map((c) => c.sha256),
              ),
            )
            .all()
            .map((r) => r.sha256),
        );
        for (const o of chunk) {
          if (back.has(o.sha256)) continue;
          const format = asImageFormat(o.format);
          if (!hasFile(o.sha256, format)) continue;
          removeFile(o.sha256, format);
          deleted++;
        }
      }
      return deleted;
    },
    { behavior: "immediate" },
  );
}
