// The per-upload staging folder and streaming writes into it.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { config } from "../core/config";
import { createOwnedStagingDir, unregisterInFlight } from "../storage/in-flight";
import type { StoredFile } from "./types";

/**
 * Creates <stagingRoot>/upload-<pid>-XXXXXX, registered as in flight so the clean-up leaves it
 * alone (lib/storage/in-flight.ts); the root defaults to <dataDir>/staging so files can be
 * renamed into the store.
 */
export async function createStagingDir(stagingRoot?: string): Promise<string> {
  return createOwnedStagingDir(stagingRoot ?? path.join(config().dataDir, "staging"));
}

export async function removeStagingDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  unregisterInFlight(dir);
}

export class StreamTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`more than ${maxBytes} bytes`);
    this.name = "StreamTooLargeError";
  }
}

export type StoreOptions = {
  signal?: AbortSignal;
  /**
   * "throw" (default): fail with StreamTooLargeError as soon as the limit is passed, destroying the source.
   * "drain": stop writing but keep reading to the end, then return null. Needed for busboy's file
   * streams, which stall the whole form if destroyed while the rest of the body is still wanted.
   */
  onOverflow?: "throw" | "drain";
};

/** Streams `source` into a new file at `dest`, counting and hashing; never writes more than `maxBytes`. */
export async function storeStream(
  source: NodeJS.ReadableStream,
  dest: string,
  maxBytes: number,
  opts: StoreOptions = {},
): Promise<StoredFile | null> {
  const hash = createHash("sha256");
  let bytes = 0;
  let over = false;
  const drain = opts.onOverflow === "drain";
  try {
    await pipeline(
      source,
      async function* limit(chunks: AsyncIterable<Buffer | string>) {
        for await (const part of chunks) {
          const chunk = typeof part === "string" ? Buffer.from(part) : part;
          bytes += chunk.length;
          if (over) continue;
          if (bytes > maxBytes) {
            if (!drain) throw new StreamTooLargeError(maxBytes);
            over = true;
            continue;
          }
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(dest, { flags: "wx" }),
      { signal: opts.signal },
    );
  } catch (e) {
    await fs.rm(dest, { force: true });
    throw e;
  }
  if (over) {
    await fs.rm(dest, { force: true });
    return null;
  }
  return { path: dest, bytes, sha256: hash.digest("hex") };
}
