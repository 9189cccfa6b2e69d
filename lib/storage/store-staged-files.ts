// Moving staged upload files into the content store so that a rejected upload leaves no files:
// shared by runs (lib/runs/create-run.ts) and reference sets (lib/reference-sets/create-reference-set.ts).
import { statSync } from "node:fs";
import { AppError } from "../core/errors";
import { ContentHashMismatchError, hasFile, placeFileSync, putFile, type ImageFormat } from "./content-store";
import { removeFilesWithoutImageRow } from "./remove-files-without-image-row";

/** A staged file and what its upload said about it. */
export type StagedFileRef = { fileName: string; stagedPath: string; sha256: string; format: ImageFormat };

/**
 * Moves each (distinct) staged file into the store, 4 at a time; returns the files this call
 * added. On any failure the added files are removed again (removeFilesWithoutImageRow) and the error is
 * rethrown; a file whose bytes do not match its sha256 is a 422 naming it.
 */
export async function putStagedFiles(
  files: readonly StagedFileRef[],
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
    removeFilesWithoutImageRow(added);
    throw e;
  }
  return added;
}

/**
 * Inside the write transaction: every file the rows will reference must exist. A concurrent
 * upload that failed may have removed one that it added and we found present; put it back
 * from our staged copy.
 */
export function ensureFilesPresent(items: readonly StagedFileRef[]): void {
  const bySha = new Map<string, StagedFileRef[]>();
  for (const i of items) bySha.set(i.sha256, [...(bySha.get(i.sha256) ?? []), i]);
  for (const [sha, list] of bySha) {
    const format = list[0]!.format;
    if (hasFile(sha, format)) continue;
    const staged = list.find((i) => fileExists(i.stagedPath));
    if (!staged) throw new Error(`content file ${sha} vanished and no staged copy is left`);
    placeFileSync(staged.stagedPath, sha, format);
  }
}

function fileExists(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
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
