// Reads a staged manifest file (already size-capped while streaming) and maps ManifestError to 422.
import fs from "node:fs/promises";
import { AppError } from "../core/errors";
import { ManifestError, parseManifest, type ManifestRow } from "../manifest/parse-manifest";
import type { UploadLimits } from "./limits";

/** 422 `validation_failed` with `details: { manifest, line? }` on a bad row, bad UTF-8 or too many rows. */
export async function readManifest(filePath: string, fileName: string, limits: UploadLimits): Promise<ManifestRow[]> {
  const bytes = await fs.readFile(filePath);
  try {
    return parseManifest(bytes, fileName, { requirePrompt: true, maxRows: limits.maxFiles });
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    throw new AppError("validation_failed", e.message, {
      manifest: fileName,
      ...(e.line === undefined ? {} : { line: e.line }),
    });
  }
}
