// Moving staged upload files into the content store so that a rejected upload leaves no files:
// shared by runs (lib/runs/create-run.ts) and reference sets (lib/reference-sets/create-reference-set.ts).
// The caller claims the hashes first (claimStoreFiles): until its rows are committed, no removal
// takes an object it found present or stored (remove-files-without-image-row.ts).
import { AppError } from "../core/errors";
import { ContentHashMismatchError, putFile, type ImageFormat } from "./content-store";
import { removeObjectsWithoutImageRow } from "./remove-files-without-image-row";
import type { StoreClaim } from "./store-claims";

/** A staged file and what its upload said about it. */
export type StagedFileRef = { fileName: string; stagedPath: string; sha256: string; format: ImageFormat };

/**
 * Moves each (distinct) staged file into the store, 4 at a time; returns the files this call
 * added. On any failure the added files are removed again (removeObjectsWithoutImageRow) and the error is
 * rethrown; a file whose bytes do not match its sha256 is a 422 naming it, an object store that
 * cannot be reached a 503 with Retry-After.
 */
export async function putStagedFiles(
  files: readonly StagedFileRef[],
  claim: StoreClaim,
): Promise<{ sha256: string; format: ImageFormat }[]> {
  const added: { sha256: string; format: ImageFormat }[] = [];
  try {
    await forEachLimited(files, 4, async (i) => {
      try {
        const r = await putFile(i.stagedPath, { format: i.format, expectedSha256: i.sha256 });
        if (r.added) added.push({ sha256: i.sha256, format: i.format });
      } catch (e) {
        if (!(e instanceof ContentHashMismatchError)) throw e;
        throw new AppError(
          "validation_failed",
          `${i.fileName}: its bytes have sha256 ${e.actual}, not the ${i.sha256} given for it`,
          { file: i.fileName },
        );
      }
    });
  } catch (e) {
    await removeObjectsWithoutImageRow(added, { except: claim.owner }).catch(() => undefined);
    throw e;
  }
  return added;
}

async function forEachLimited<T>(list: readonly T[], limit: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < list.length) {
      const x = list[next++]!;
      try {
        await fn(x);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  if (failed !== undefined) throw failed;
}
