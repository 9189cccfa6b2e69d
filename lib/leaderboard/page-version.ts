// The version of everything a ranking page shows, for server/next-server.mjs's rendered-HTML
// cache (server/page-cache.mjs): SQLite's data_version on a connection of its own, which moves
// whenever any connection or process commits to the database, plus the board store's generation,
// which moves whenever a computed board is installed (a page rendered as "updating" must not be
// served after the new board is in). Published on globalThis for the server, which runs outside
// the app's bundle.
import Database from "better-sqlite3";
import { config } from "../core/config";
import { boardGeneration } from "./board-store";

let watcher: { path: string; db: Database.Database } | undefined;

/**
 * `"<data_version>:<generation>"`, or a fresh random string (never a cache hit) when the
 * database can't be opened. One pragma call: no table is read.
 */
export function rankingPageVersion(): string {
  const file = config().dbPath;
  try {
    if (!watcher || watcher.path !== file) {
      watcher?.db.close();
      watcher = { path: file, db: new Database(file, { readonly: true, fileMustExist: true }) };
    }
    return `${watcher.db.pragma("data_version", { simple: true })}:${boardGeneration()}`;
  } catch {
    watcher = undefined;
    return `unversioned:${Math.random()}`;
  }
}

(globalThis as Record<symbol, unknown>)[Symbol.for("t2i-eval.rankingPageVersion")] = rankingPageVersion;
