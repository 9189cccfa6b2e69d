// Size and count caps for one upload. Defaults come from config() (env T2I_MAX_*); a caller such as
// the small synchronous metrics endpoint passes tighter ones per call.
import { config } from "../core/config";

export type UploadLimits = {
  /** Whole request body; over it → 413 and reading stops (T2I_MAX_UPLOAD_BYTES, 2 GiB). */
  maxUploadBytes: number;
  /** One `archive` part; over it → 413 (T2I_MAX_ARCHIVE_BYTES, defaults to maxUploadBytes). */
  maxArchiveBytes: number;
  /** Images in one upload; over it → 422 (JSON: 413) (T2I_MAX_UPLOAD_FILES, 20 000). */
  maxFiles: number;
  /** One image file; over it → 422 naming the file (JSON: 413) (T2I_MAX_IMAGE_BYTES, 50 MiB). */
  maxImageBytes: number;
  /** Width × height of one image, refused before decoding (T2I_MAX_IMAGE_PIXELS, 40 MP). */
  maxImagePixels: number;
  /** The manifest file; over it → 413 (T2I_MAX_MANIFEST_BYTES, 20 MiB). */
  maxManifestBytes: number;
  /** Bytes extracted from one archive, all entries together; over it → 422 (T2I_MAX_UNCOMPRESSED_BYTES, 4 GiB). */
  maxUncompressedBytes: number;
  /** Uncompressed:compressed ratio that marks an archive (entry) as a bomb → 422 (T2I_MAX_COMPRESSION_RATIO, 20). */
  maxCompressionRatio: number;
  /**
   * Width × height of all images together, from their headers, checked before any is decoded;
   * over it → 413. Unbounded for runs (scored by the queue); /api/v1/metrics passes
   * T2I_METRICS_MAX_PIXELS.
   */
  maxTotalPixels: number;
  /** Text fields in the form; over it → 413 (fixed default 100). */
  maxFields: number;
  /** One text field's value; over it → 413 (fixed default 64 KiB). */
  maxFieldBytes: number;
};

export const DEFAULT_MAX_FIELDS = 100;
export const DEFAULT_MAX_FIELD_BYTES = 64 * 1024;

/** The configured limits. */
export function uploadLimits(): UploadLimits {
  const c = config();
  return {
    maxUploadBytes: c.maxUploadBytes,
    maxArchiveBytes: c.maxArchiveBytes,
    maxFiles: c.maxUploadFiles,
    maxImageBytes: c.maxImageBytes,
    maxImagePixels: c.maxImagePixels,
    maxManifestBytes: c.maxManifestBytes,
    maxUncompressedBytes: c.maxUncompressedBytes,
    maxCompressionRatio: c.maxCompressionRatio,
    maxTotalPixels: Number.POSITIVE_INFINITY,
    maxFields: DEFAULT_MAX_FIELDS,
    maxFieldBytes: DEFAULT_MAX_FIELD_BYTES,
  };
}

/** The configured limits with per-call overrides applied. */
export function resolveLimits(overrides?: Partial<UploadLimits>): UploadLimits {
  const merged = { ...uploadLimits() };
  for (const [k, v] of Object.entries(overrides ?? {})) {
    if (v !== undefined) merged[k as keyof UploadLimits] = v;
  }
  return merged;
}
