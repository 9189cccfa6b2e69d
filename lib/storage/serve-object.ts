// An HTTP answer with a stored object (an image or a thumbnail): its bytes streamed from the
// store, or, with an object store and T2I_STORAGE_REDIRECT, a redirect to a presigned URL so the
// bytes do not pass through the web server. A store that cannot be reached is a 503 with
// Retry-After; an object missing from the store is a 404.
import { Readable } from "node:stream";
import { config } from "../core/config";
import { AppError } from "../core/errors";
import { objectStore } from "./get-object-store";
import { ObjectMissingError, storeUnavailable } from "./object-store";
import { ObjectStoreUnavailableError } from "./s3-object-store";

/** How long a presigned URL stays valid: long enough for a page's images to load, short enough not to be shared. */
const PRESIGNED_SECONDS = 15 * 60;

export async function serveObject(key: string, headers: Record<string, string>): Promise<Response> {
  const store = objectStore();
  try {
    if (config().storage?.redirect) {
      const url = await store.presignedUrl(key, PRESIGNED_SECONDS);
      if (url)
        return new Response(null, { status: 302, headers: { Location: url, "Cache-Control": "private, max-age=600" } });
    }
    const { body, bytes } = await store.stream(key);
    return new Response(Readable.toWeb(body as Readable) as ReadableStream, {
      headers: { ...headers, "Content-Length": String(bytes) },
    });
  } catch (e) {
    if (e instanceof ObjectMissingError) throw new AppError("not_found", `the stored file of ${key} is missing`);
    if (e instanceof ObjectStoreUnavailableError) throw storeUnavailable(e);
    throw e;
  }
}
