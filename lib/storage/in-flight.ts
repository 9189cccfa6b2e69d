// The staging folder of an upload in flight, so that the clean-up (remove-leftovers.ts) never
// takes it: named `upload-<pid>-<random>` on the receiving server's disk. Names carry the owner's
// process id: the clean-up keeps what a live process owns, and in this process what is registered
// here; a crashed server's leftovers match neither. (The stored objects an upload is about to give
// rows are claimed in the database instead, store-claims.ts: they may live on another machine.)
import fs from "node:fs";
import path from "node:path";
import { config } from "../core/config";

const live = new Set<string>();

export function stagingRoot(): string {
  return path.join(config().dataDir, "staging");
}

/** `upload-<pid>-` names (and the `claim-<pid>-` files of older versions), and the pid in them. */
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

/** Whether process `pid` is running (this process counts only for what it registered). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
