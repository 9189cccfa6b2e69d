// POST /api/v1/runs body → a validated upload staged on disk, or an AppError. Nothing is held in
// memory whole, and nothing is left on disk after a refusal.
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { AppError } from "../core/errors";
import type { ManifestRow } from "../manifest/parse-manifest";
import { normaliseEntryName } from "./entry-name";
import { resolveLimits, type UploadLimits } from "./limits";
import { readArchive } from "./read-archive";
import { readManifest } from "./read-manifest";
import { receiveForm } from "./receive-form";
import { createStagingDir, removeStagingDir } from "./staging";
import { REPORT_CAP, type StagedUpload } from "./types";
import { verifyImages, type StagedFileOrProblem } from "./verify-images";

export type IngestOptions = {
  /** Tighter (or looser) limits than the configured ones, e.g. for the metrics endpoint. */
  limits?: Partial<UploadLimits>;
  /** Defaults to <dataDir>/staging. */
  stagingRoot?: string;
};

/**
 * Reads a multipart/form-data upload: text fields (run metadata, collected unvalidated) and either
 * a `manifest` part plus `images`/`files` parts (each part's filename is a manifest `file`), or one
 * `archive` part (zip, tar, tar.gz; manifest.jsonl or manifest.csv at its root or in one top folder).
 *
 * Errors (AppError): 415 unsupported_media_type (not multipart/form-data); 400 bad_request (no
 * boundary, malformed body, unexpected or repeated parts, archive and manifest together, neither);
 * 413 payload_too_large (body, archive, manifest, a text field, field count; details { limit, max });
 * 422 validation_failed (archive entries: details { entries: [{ entry, reason }] }; manifest:
 * details { manifest, line? }; images: details { missingFiles?, missingCount?, files?: [{ file, code,
 * message }], truncated? }; too many images: details { limit: "maxFiles", max }).
 */
export async function ingestMultipart(
  body: ReadableStream<Uint8Array> | NodeJS.ReadableStream,
  contentType: string | null | undefined,
  opts: IngestOptions = {},
): Promise<StagedUpload> {
  const limits = resolveLimits(opts.limits);
  const ct = requireMultipart(contentType);
  const stagingDir = await createStagingDir(opts.stagingRoot);
  try {
    const form = await receiveForm(toReadable(body), ct, stagingDir, limits);
    let rows: ManifestRow[];
    let files: ReadonlyMap<string, StagedFileOrProblem>;
    let ignoredFiles: string[];
    if (form.archive) {
      const contents = await readArchive(form.archive.file.path, path.join(stagingDir, "images"), limits);
      await fs.rm(form.archive.file.path, { force: true });
      ({ rows, files, ignoredFiles } = contents);
    } else if (form.manifest) {
      rows = await readManifest(form.manifest.file.path, form.manifest.name, limits);
      await fs.rm(form.manifest.file.path);
      files = form.images;
      ignoredFiles = [...form.ignoredFiles, ...(await discardUnlisted(rows, form.images))];
    } else {
      const hint =
        form.images.size > 0
          ? "the image parts need a `manifest` part"
          : "the form has no `archive` or `manifest` part";
      throw new AppError("bad_request", `${hint}; send a manifest with image parts, or one archive`);
    }
    const items = await verifyImages(rows, files, limits.maxImagePixels, {
      maxTotalPixels: limits.maxTotalPixels,
      unlisted: ignoredFiles,
    });
    return {
      fields: form.fields,
      items,
      ignoredFiles: ignoredFiles.slice(0, REPORT_CAP),
      stagingDir,
      cleanup: () => removeStagingDir(stagingDir),
    };
  } catch (e) {
    await removeStagingDir(stagingDir);
    throw e;
  }
}

/** Checks the media type; returns the header to hand to busboy. */
function requireMultipart(contentType: string | null | undefined): string {
  const ct = contentType ?? "";
  const mime = ct.split(";")[0]!.trim().toLowerCase();
  if (mime !== "multipart/form-data") {
    throw new AppError("unsupported_media_type", `expected multipart/form-data, got ${mime || "no content type"}`, {
      accepted: ["multipart/form-data"],
    });
  }
  if (!/;\s*boundary=/i.test(ct)) throw new AppError("bad_request", "multipart/form-data without a boundary");
  return ct;
}

function toReadable(body: ReadableStream<Uint8Array> | NodeJS.ReadableStream): Readable {
  if (body instanceof Readable) return body;
  if ("getReader" in body) return Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>);
  return Readable.from(body);
}

/** Deletes staged image parts the manifest does not name; returns their names. */
async function discardUnlisted(
  rows: ManifestRow[],
  images: ReadonlyMap<string, StagedFileOrProblem>,
): Promise<string[]> {
  const listed = new Set<string>();
  for (const r of rows) {
    const n = normaliseEntryName(r.file);
    if (n.ok) listed.add(n.name);
  }
  const out: string[] = [];
  for (const [key, f] of images) {
    if (listed.has(key)) continue;
    out.push(key);
    if (!("code" in f)) await fs.rm(f.path, { force: true });
  }
  return out;
}
