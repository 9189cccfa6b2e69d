// Shapes shared by the ingestion paths (multipart form, archive, JSON base64).

export type ImageFormat = "png" | "jpeg" | "webp" | "gif";

/** One verified image, staged on disk; the metadata comes from its manifest row. */
export type StagedItem = {
  /** The name the manifest (or JSON item) gave it. */
  fileName: string;
  prompt?: string;
  promptId?: string;
  seed?: number;
  group?: string;
  /** Absolute path of the staged copy, inside `stagingDir`. */
  path: string;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
  bytes: number;
  format: ImageFormat;
  width: number;
  /** Frame height for animated GIF/WebP. */
  height: number;
};

export type StagedUpload = {
  /** Text fields of the form, unvalidated (run metadata). Empty for JSON uploads. */
  fields: Record<string, string>;
  /** In manifest order. */
  items: StagedItem[];
  /** Files that arrived but the manifest does not list (first 100); they were discarded. */
  ignoredFiles: string[];
  /** Holds every item's file; lives under <dataDir>/staging, the content store's filesystem. */
  stagingDir: string;
  /** Deletes `stagingDir`; safe to call twice. Callers call it once they have moved what they keep. */
  cleanup(): Promise<void>;
};

/** A file written to the staging folder while streaming. */
export type StoredFile = { path: string; bytes: number; sha256: string };

export type FileProblemCode =
  | "image_unreadable"
  | "image_unsupported_type"
  | "image_too_large"
  | "image_aspect_ratio"
  | "file_too_large"
  | "duplicate_file"
  | "unsafe_name"
  | "invalid_base64";

/** One refused file, as listed in a 422's `details.files`. */
export type FileProblem = { file: string; code: FileProblemCode; message: string };

/** One refused archive entry, as listed in a 422's `details.entries`. */
export type EntryViolation = { entry: string; reason: string };

/** Most problems listed in one error; the rest are counted, not listed. */
export const REPORT_CAP = 100;
