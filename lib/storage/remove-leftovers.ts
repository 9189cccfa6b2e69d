// Crash leftovers: a server killed mid-upload leaves its staging folder (mid-transfer) and,
// killed mid-store, content-store files whose rows never committed. This removes both, at start
// and periodically, and never what an upload in flight owns (lib/storage/in-flight.ts):
//   - staging entries named `upload-<pid>-…` / `claim-<pid>-…` go when <pid> is not running
//     (or is this process and did not register them); other names when older than UNKNOWN_GRACE_MS;
//   - store files and thumbnails go when no `images` row has their hash and no live claim lists
//     it, decided inside a write transaction, so no upload can commit the row in between.
import fs from "node:fs";
import path from "node:path";
import { config } from "../core/config";
import { imagesRoot } from "./content-store";
import { isInFlightHere, OWNED_NAME, processAlive, stagingRoot } from "./in-flight";
import { sweepFilesWithoutImageRow } from "./remove-files-without-image-row";

/** Staging entries without an owner in their name (older versions, manual copies) are kept this long. */
export const UNKNOWN_GRACE_MS = 60 * 60 * 1000;

const CHUNK = 500;
const STORE_NAME = /^([0-9a-f]{64})\.[a-z]+(\.[0-9a-f]+\.tmp)?$/;

export type LeftoverReport = {
  /** Staging folders and claim files removed, by name. */
  staging: string[];
  /** Store files and thumbnails removed, relative to the data folder. */
  files: string[];
};

function ownedByLiveUpload(full: string, name: string): boolean | undefined {
  const m = OWNED_NAME.exec(name);
  if (!m) return undefined;
  const pid = Number(m[2]);
  return pid === process.pid ? isInFlightHere(full) : processAlive(pid);
}

/** Removes the leftovers described above; returns what it removed. */
export function removeLeftovers(now: number = Date.now()): LeftoverReport {
  const report: LeftoverReport = { staging: [], files: [] };
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

  const dataDir = config().dataDir;
  const candidates = [...listContent(imagesRoot()), ...listContent(path.join(dataDir, "thumbs"))];
  for (let k = 0; k < candidates.length; k += CHUNK) {
    // Claims are read under the write lock (on the first call of `keep`), so an upload that
    // claims a file after this sweep's check cannot have committed its row yet.
    let claimed: Set<string> | undefined;
    const removed = sweepFilesWithoutImageRow(
      candidates.slice(k, k + CHUNK),
      (c) => {
        fs.rmSync(c.file, { force: true });
        return true;
      },
      (c, hasRow) => (claimed ??= liveClaims()).has(c.sha256) || (hasRow && !c.tmp),
    );
    for (const c of removed) report.files.push(path.relative(dataDir, c.file));
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

/** Content files under `root` (any depth): their hash, and whether it is an unfinished copy. */
function listContent(root: string): { file: string; sha256: string; tmp: boolean }[] {
  const out: { file: string; sha256: string; tmp: boolean }[] = [];
  const walk = (dir: string) => {
    for (const e of safeReaddir(dir)) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else {
        const m = STORE_NAME.exec(e.name);
        if (m) out.push({ file: full, sha256: m[1]!, tmp: m[2] !== undefined });
      }
    }
  };
  walk(root);
  return out;
}

/** Hashes listed by claim files of uploads in flight. */
function liveClaims(): Set<string> {
  const out = new Set<string>();
  const root = stagingRoot();
  for (const e of safeReaddir(root)) {
    if (!e.name.startsWith("claim-") || !e.name.endsWith(".json") || !e.isFile()) continue;
    const full = path.join(root, e.name);
    if (ownedByLiveUpload(full, e.name) !== true) continue;
    let text: string;
    try {
      text = fs.readFileSync(full, "utf8");
    } catch (err) {
      // Released since the listing: its rows are committed (or its files removed).
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw err;
    }
    for (const sha of JSON.parse(text) as string[]) out.add(sha);
  }
  return out;
}

/**
 * Removes leftovers now and then every T2I_CLEANUP_INTERVAL_MS (0: only now), logging what it
 * removed; a failing sweep is logged and the next one tries again. For server start-up.
 */
export function startLeftoverCleanup(log: (line: string) => void = console.log): void {
  const sweep = () => {
    try {
      const r = removeLeftovers();
      if (r.staging.length + r.files.length > 0)
        log(
          `clean-up: removed ${r.staging.length} staging leftover(s) and ${r.files.length} stored file(s) no row references`,
        );
    } catch (e) {
      console.error("clean-up of crash leftovers failed:", e);
    }
  };
  sweep();
  const every = config().cleanupIntervalMs;
  if (every > 0) setInterval(sweep, every).unref();
}
