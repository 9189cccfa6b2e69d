// Where image files and thumbnails live, behind one interface: the local data folder (the
// default: <dataDir>/images/ab/cd/<sha256>.<ext>, <dataDir>/thumbs/…) or an S3-compatible object
// store (T2I_STORAGE_URL=s3://bucket/prefix, s3-object-store.ts) shared by several web servers and
// workers. Content is written once under its SHA-256 and never rewritten; a put of content that is
// present already changes nothing. Upload staging stays on the local disk of the web server that
// receives the upload (bytes must be hashed and decoded there anyway); only checked content
// reaches the store. objectStore() (get-object-store.ts) is the process's store.
import type { Readable } from "node:stream";
import { AppError } from "../core/errors";

/** A stored object's name within the store: `images/ab/cd/<sha256>.<ext>` or `thumbs/<size>/ab/<sha256>.webp`. */
export type ObjectKey = string;

export interface ObjectStore {
  readonly kind: "local" | "s3";
  /** Stores the file at `source` under `key` unless the key exists; answers whether this call stored it. */
  putFile(key: ObjectKey, source: string, contentType: string): Promise<boolean>;
  /** Stores bytes under `key` (thumbnails); a present key is left as it is. */
  putBytes(key: ObjectKey, data: Buffer, contentType: string): Promise<void>;
  has(key: ObjectKey): Promise<boolean>;
  /** The object's bytes; rejects with ObjectMissingError when there is none. */
  read(key: ObjectKey): Promise<Buffer>;
  /** The object as a stream, with its size, for serving; rejects with ObjectMissingError when there is none. */
  stream(key: ObjectKey): Promise<{ body: Readable; bytes: number }>;
  /** A URL that reads the object without credentials for `seconds` (S3 only; undefined for the local folder). */
  presignedUrl(key: ObjectKey, seconds: number): Promise<string | undefined>;
  /** Removes the object; a missing one is not an error. Answers whether one was there. */
  remove(key: ObjectKey): Promise<boolean>;
  /** Every key under `prefix` ("images/" or "thumbs/"), with the time it was written. */
  list(prefix: string): AsyncIterable<{ key: ObjectKey; modifiedAt: Date }>;
}

export class ObjectMissingError extends Error {
  constructor(readonly key: ObjectKey) {
    super(`no stored object ${key}`);
    this.name = "ObjectMissingError";
  }
}

/** Seconds a client is asked to wait before retrying when the object store cannot be reached. */
export const STORE_RETRY_AFTER_S = 30;

/** The store could not be reached or failed: a 503 with Retry-After, nothing written. */
export function storeUnavailable(cause: unknown): AppError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new AppError(
    "unavailable",
    `the object store cannot be reached (${why}); nothing was stored, try again later`,
    undefined,
    { "Retry-After": String(STORE_RETRY_AFTER_S) },
  );
}
