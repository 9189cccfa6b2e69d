// What an upload in flight owns, so that the clean-up (remove-leftovers.ts) never takes it:
// its staging folder, named `upload-<pid>-<random>`, and the store files it is about to give a
// row, listed in a claim file `claim-<pid>-<random>.json` under the staging root from before the
// first file is placed until the row is committed (or the placed files are removed again).
// Names carry the owner's process id: the clean-up keeps what a live process owns, and in this
// process what is registered here; a crashed server's leftovers match neither.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { config } from "../core/config";

const live = new Set<string>();

export function stagingRoot(): string {
  return path.join(config().dataDir, "staging");
}

/** `upload-<pid>-` / `claim-<pid>-` names, and the pid in them. */
export const OWNED_NAME = /^(upload|claim)-(\d+)-/;

/** Creates <root>/upload-<pid>-XXXXXX and registers it as in flight until unregisterInFlight. */
export function createOwnedStagingDir(root: string): string {
  fs.mkdirSync(root, { recursive: true });
  // Synchronous: the folder is registered before any clean-up in this process can list it.
  const dir = fs.mkdtempSync(path.join(root, `upload-${process.pid}-`));
  live.add(path.resolve(dir));
  return dir;
}

export function unregisterInFlight(p: string): void {
  live.delete(path.resolve(p));
}

/** Whether this process registered `p` (a staging folder or claim file) as in flight. */
export function isInFlightHere(p: string): boolean {
  return live.has(path.resolve(p));
}

/**
 * Records that this process is about to place store files with these hashes; the returned
 * function releases the claim (call it once the rows are committed or the files removed).
 */
export function claimStoreFiles(sha256s: readonly string[]): () => void {
  const root = stagingRoot();
  fs.mkdirSync(root, { recursive: true });
  const file = path.join(root, `claim-${process.pid}-${randomBytes(6).toString("hex")}.json`);
  live.add(path.resolve(file));
  // Written whole and renamed into place, so a reader never sees half a list.
  fs.writeFileSync(`${file}.part`, JSON.stringify(sha256s));
  fs.renameSync(`${file}.part`, file);
  return () => {
    fs.rmSync(file, { force: true });
    live.delete(path.resolve(file));
  };
}

/** Whether process `pid` is running (this process counts only for what it registered). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
