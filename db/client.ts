// The process's one database connection, opened lazily on first use and cached. Tests that
// switch T2I_DATA_DIR get a new connection: the cache is keyed by the database path.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { config } from "../lib/core/config";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** A transaction handle, as passed to `db.transaction(tx => …)`. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

type Open = { path: string; db: Db };

// On globalThis so that Next.js dev-mode module reloads reuse the connection instead of leaking one.
const KEY = Symbol.for("t2i-eval.db");
// Set by markRequestThread() (instrumentation.ts): this thread answers HTTP requests. On globalThis
// because Next.js bundles instrumentation and route handlers separately; per thread, because a
// worker thread has its own globalThis (and its own connection).
const REQUEST_THREAD = Symbol.for("t2i-eval.db.requestThread");
const holder = globalThis as typeof globalThis & { [KEY]?: Open; [REQUEST_THREAD]?: boolean };

/**
 * Marks this thread as the one that answers requests: its connection waits at most
 * T2I_DB_REQUEST_BUSY_MS for the write lock (better-sqlite3 waits synchronously, so a longer wait
 * would stall every request, /api/v1/health included), instead of T2I_DB_BUSY_TIMEOUT_MS.
 */
export function markRequestThread(): void {
  holder[REQUEST_THREAD] = true;
  holder[KEY]?.db.$client.pragma(`busy_timeout = ${busyTimeoutMs()}`);
}

/** Whether this thread answers requests (markRequestThread). */
export function isRequestThread(): boolean {
  return holder[REQUEST_THREAD] === true;
}

function busyTimeoutMs(): number {
  const cfg = config();
  return isRequestThread() ? cfg.dbRequestBusyMs : cfg.dbBusyTimeoutMs;
}

export function openDatabase(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // WAL: readers never block the writer; workers in other processes share the file.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  // Writers queue for the lock instead of failing at once with SQLITE_BUSY; past this wait a write
  // throws SQLITE_BUSY, which workers retry and requests answer with 503 (lib/core/sqlite-busy.ts).
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs()}`);
  // Durable at each checkpoint; with WAL this loses no committed transaction on a process crash.
  sqlite.pragma("synchronous = NORMAL");
  return drizzle(sqlite, { schema });
}

/** The cached connection to `config().dbPath`, opened on first use. */
export function getDb(): Db {
  if (config().databaseUrl)
    throw new Error(
      "T2I_DATABASE_URL is set, but this version uses PostgreSQL only for its migrations (npm run db:migrate); " +
        "the service itself runs on the SQLite file until the async data layer lands (docs/decisions/0011-async-data-layer.md). " +
        "Unset T2I_DATABASE_URL to use SQLite.",
    );
  const file = config().dbPath;
  const open = holder[KEY];
  if (open && open.path === file) return open.db;
  if (open) open.db.$client.close();
  const db = openDatabase(file);
  holder[KEY] = { path: file, db };
  return db;
}

/** Closes the cached connection (tests, graceful shutdown). */
export function closeDb(): void {
  const open = holder[KEY];
  if (!open) return;
  holder[KEY] = undefined;
  open.db.$client.close();
}
