// One archive part → its manifest rows and the staged files they name. The manifest is
// manifest.jsonl or manifest.csv at the archive root or inside one top folder; its `file` names
// are relative to the folder it sits in.
import fs from "node:fs/promises";
import path from "node:path";
import { AppError } from "../core/errors";
import type { ManifestRow } from "../manifest/parse-manifest";
import { EntryChecker } from "./check-entries";
import { detectArchiveKind } from "./detect-archive";
import { MANIFEST_NAMES, normaliseEntryName } from "./entry-name";
import { extractTar } from "./extract-tar";
import { openZipArchive } from "./extract-zip";
import type { UploadLimits } from "./limits";
import { readManifest } from "./read-manifest";
import type { StoredFile } from "./types";

export type ArchiveContents = {
  rows: ManifestRow[];
  /** Staged files keyed by their name relative to the manifest's folder. */
  files: Map<string, StoredFile>;
  /** Files present but not listed in the manifest; not kept. */
  ignoredFiles: string[];
};

/** Validates and extracts `archivePath` into `destDir`. Throws 422/413 AppErrors; leaves cleanup to the caller. */
export async function readArchive(
  archivePath: string,
  destDir: string,
  limits: UploadLimits,
): Promise<ArchiveContents> {
  const kind = await detectArchiveKind(archivePath);
  if (!kind) {
    throw new AppError(
      "validation_failed",
      "the archive is not a zip, tar or tar.gz file (judged by its first bytes)",
      {
        accepted: ["zip", "tar", "tar.gz"],
      },
    );
  }
  const checker = new EntryChecker(limits);
  const manifestDest = path.join(destDir, "manifest");

  if (kind === "zip") {
    const zip = await openZipArchive(archivePath, limits, checker);
    try {
      const { entry, root } = locateManifest(zip.names);
      const stored = await zip.extract(entry, manifestDest);
      const rows = await readManifest(stored.path, entry, limits);
      await fs.rm(stored.path);
      const wanted = wantedNames(rows, root);
      const present = new Set(zip.names);
      const files = new Map<string, StoredFile>();
      let n = 0;
      for (const [relative, full] of wanted) {
        if (!present.has(full)) continue;
        files.set(relative, await zip.extract(full, path.join(destDir, String(++n).padStart(6, "0"))));
      }
      const listed = new Set(wanted.values());
      return { rows, files, ignoredFiles: zip.names.filter((name) => name !== entry && !listed.has(name)) };
    } finally {
      zip.close();
    }
  }

  // Tar entries come in order, so everything acceptable is on disk before the manifest is known.
  const all = await extractTar(archivePath, kind === "tar.gz", destDir, limits, checker);
  const { entry, root } = locateManifest([...all.keys()]);
  const rows = await readManifest(all.get(entry)!.path, entry, limits);
  await fs.rm(all.get(entry)!.path);
  const wanted = wantedNames(rows, root);
  const files = new Map<string, StoredFile>();
  for (const [relative, full] of wanted) {
    const f = all.get(full);
    if (f) files.set(relative, f);
  }
  const listed = new Set(wanted.values());
  const ignoredFiles: string[] = [];
  for (const [name, f] of all) {
    if (name === entry || listed.has(name)) continue;
    ignoredFiles.push(name);
    await fs.rm(f.path, { force: true });
  }
  return { rows, files, ignoredFiles };
}

/** Finds the one manifest: at the root, else in exactly one top folder. */
export function locateManifest(names: string[]): { entry: string; root: string } {
  if (names.length === 0) {
    throw new AppError("validation_failed", "the archive is empty (folders, dotfiles and __MACOSX/ are skipped)");
  }
  const atRoot = names.filter((n) => (MANIFEST_NAMES as readonly string[]).includes(n));
  if (atRoot.length === 1) return { entry: atRoot[0]!, root: "" };
  const inFolder = names.filter((n) => {
    const parts = n.split("/");
    return parts.length === 2 && (MANIFEST_NAMES as readonly string[]).includes(parts[1]!);
  });
  const found = atRoot.length > 0 ? atRoot : inFolder;
  if (found.length === 1) return { entry: found[0]!, root: found[0]!.slice(0, found[0]!.lastIndexOf("/") + 1) };
  if (found.length > 1) {
    throw new AppError("validation_failed", `the archive holds more than one manifest: ${found.join(", ")}`, {
      manifests: found,
    });
  }
  throw new AppError(
    "validation_failed",
    `the archive has no ${MANIFEST_NAMES.join(" or ")} at its root or in a top folder`,
    { expected: [...MANIFEST_NAMES] },
  );
}

/** Manifest file name (normalised, relative to the manifest) → entry name in the archive. Unsafe names are skipped here and reported by verifyImages. */
function wantedNames(rows: ManifestRow[], root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of rows) {
    const n = normaliseEntryName(row.file);
    if (n.ok) out.set(n.name, root + n.name);
  }
  return out;
}
