// The process's object store for the current configuration (object-store.ts), made on first use.
import { config } from "../core/config";
import { LocalObjectStore } from "./local-object-store";
import type { ObjectStore } from "./object-store";
import { S3ObjectStore } from "./s3-object-store";

let cached: { url: string; store: ObjectStore } | undefined;

/** The process's store for the current configuration, made on first use. */
export function objectStore(): ObjectStore {
  const cfg = config();
  const url = cfg.storage ? `${cfg.storage.bucket}/${cfg.storage.prefix}@${cfg.storage.endpoint ?? ""}` : cfg.dataDir;
  if (cached?.url === url) return cached.store;
  const store: ObjectStore = cfg.storage ? new S3ObjectStore(cfg.storage) : new LocalObjectStore(cfg.dataDir);
  cached = { url, store };
  return store;
}
