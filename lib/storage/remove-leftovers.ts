// Crash leftovers: a server killed mid-upload leaves its staging folder (mid-transfer) and,
// killed mid-store, stored objects whose rows never committed. This removes both, at start
// and periodically, and never what an upload in flight owns:
//   - staging entries (on this machine's disk) named `upload-<pid>-…` go when <pid> is not
//     running (or is this process and did not register them, lib/storage/in-flight.ts); other
//     names when older than UNKNOWN_GRACE_MS;
//   - claims whose owners are gone (store-claims.ts: expired, or dead on this host);
//   - stored images and thumbnails (the local folder or the object store) go when no `images` row
//     has their hash and no live upload claims it, decided under the database's write lock, so no
//     upload can commit the row in between (remove-files-without-image-row.ts).
import fs from "node:fs";
import path from "node:path";
import { config } from "../core/config";
import { objectStore } from "./get-object-store";
import { isInFlightHere, OWNED_NAME, processAlive, stagingRoot } from "./in-flight";
import { sweepFilesWithoutImageRow, sweepObjectsWithoutImageRow } from "./remove-files-without-image-row";
import { removeDeadClaims } from "./store-claims";

/** Staging entries without an owner in their name (older versions, manual copies) are kept this long. */
export const UNKNOWN_GRACE_MS = 60 * 60 * 1000;

const CHUNK = 500;
/** A stored image or thumbnail's last key segment: the hash, the extension, and a tmp suffix for an unfinished local copy. */
const STORE_NAME = /^([0-9a-f]{64})\.[a-z]+(\.[0-9a-z.]+\.tmp)?$/;
/** An unfinished copy younger than this may still be written (an upload or a thumbnail in flight). */
export const TMP_GRACE_MS = 60 * 60 * 1000;

export type LeftoverReport = {
  /** Staging folders and claim files removed, by name. */
  staging: string[];
  /** Stored images and thumbnails removed: their keys (relative to the data folder, for the local one). */
  files: string[];
  /** Claims removed because their owners are gone. */
  claims: number;
};

function ownedByLiveUpload(full: string, name: string): boolean | undefined {
  const m = OWNED_NAME.exec(name);
  if (!m) return undefined;
  const pid = Number(m[2]);
  return pid === process.pid ? isInFlightHere(full) : processAlive(pid);
}

/** Removes the leftovers described above; returns what it removed. */
export async function removeLeftovers(now: number = Date.now()): Promise<LeftoverReport> {
  const report: LeftoverReport = { staging: [], files: [], claims: 0 };
  const root = stagingRoot();
  for (const e of safeReaddir(root)) {
    const full = path.join(root, e.name);
    const live = ownedByLiveUpload(full, e.name);
    if (live === true) continue;
    if (live === undefined) {
      const age = now - (fs.statSync(full, { throwIfNoEntry: false })?.mtimeMs ?? now);
      if (age < UNKNOWN_GRACE_MS) continue;
    }
    fs.rmSync(full, { recursive: true, force: true, maxRetries: 3 });
    report.staging.push(e.name);
  }
  report.claims = removeDeadClaims(now);

  const store = objectStore();
  const candidates: { key: string; sha256: string; tmp: boolean; recent: boolean }[] = [];
  for (const prefix of ["images/", "thumbs/"])
    for await (const o of store.list(prefix)) {
      const m = STORE_NAME.exec(o.key.split("/").pop()!);
      if (m)
        candidates.push({
          key: o.key,
          sha256: m[1]!,
          tmp: m[2] !== undefined,
          recent: now - o.modifiedAt.getTime() < TMP_GRACE_MS,
        });
    }
  // An unfinished local copy goes unless it may still be written; a whole object unless referenced.
  const keep = (c: (typeof candidates)[number], referenced: boolean) => (c.tmp ? c.recent && referenced : referenced);
  const dataDir = config().dataDir;
  for (let k = 0; k < candidates.length; k += CHUNK) {
    const chunk = candidates.slice(k, k + CHUNK);
    const removed =
      store.kind === "local"
        ? sweepFilesWithoutImageRow(
            chunk,
            (c) => {
              fs.rmSync(path.join(dataDir, ...c.key.split("/")), { force: true });
              return true;
            },
            keep,
          )
        : await sweepObjectsWithoutImageRow(chunk, (c) => store.remove(c.key), keep);
    for (const c of removed) report.files.push(store.kind === "local" ? path.join(...c.key.split("/")) : c.key);
  }
  return report;
}

function safeReaddir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

/**
 * Removes leftovers now and then every T2I_CLEANUP_INTERVAL_MS (0: only now), logging what it
 * removed; a failing sweep is logged and the next one tries again. For server start-up.
 */
export function startLeftoverCleanup(log: (line: string) => void = console.log): void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const r = await removeLeftovers();
      if (r.staging.length + r.files.length > 0)
        log(
          `clean-up: removed ${r.staging.length} staging leftover(s) and ${r.files.length} stored file(s) no row references`,
        );
    } catch (e) {
      console.error("clean-up of crash leftovers failed:", e);
    } finally {
      running = false;
    }
  };
  void sweep();
  const every = config().cleanupIntervalMs;
  if (every > 0) setInterval(() => void sweep(), every).unref();
}
