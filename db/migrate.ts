// Applies the committed migrations in db/migrations with drizzle's migrator.
import path from "node:path";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { migrate as drizzleMigrate } from "drizzle-orm/better-sqlite3/migrator";
import { getDb, type Db } from "./client";

/** Resolved from the working directory, like the fixture model: bundlers move module files. */
export const MIGRATIONS_DIR = path.resolve("db/migrations");

/** Migrations in the folder that the database has not recorded yet (drizzle's own rule). */
export function pendingMigrations(db: Db = getDb(), folder = MIGRATIONS_DIR): number {
  const files = readMigrationFiles({ migrationsFolder: folder });
  const table = db.$client
    .prepare("select name from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!table) return files.length;
  const last = db.get<{ at: number | null }>(sql`select max(created_at) as at from __drizzle_migrations`);
  const at = Number(last?.at ?? -Infinity);
  return files.filter((m) => m.folderMillis > at).length;
}

/**
 * Brings the database to the latest schema. Safe to call from several processes at once:
 * drizzle reads the applied list outside its transaction, so a process that loses the race
 * fails on "already exists"; it then finds nothing pending and succeeds.
 *
 * drizzle-kit changes a SQLite table by copying it into a new one and dropping the old. Its
 * `PRAGMA foreign_keys=OFF` does nothing inside the migrator's transaction, and with the pragma
 * on, DROP TABLE first deletes every row, cascading (rebuilding `runs` would empty samples,
 * jobs and scores). So the pragma is off while migrating (SQLite allows switching it only
 * outside a transaction) and the references are checked once the migrations are in.
 */
export function migrate(db: Db = getDb(), folder = MIGRATIONS_DIR): void {
  if (pendingMigrations(db, folder) === 0) return;
  const client = db.$client;
  const enforced = client.pragma("foreign_keys", { simple: true }) === 1;
  if (enforced) client.pragma("foreign_keys = OFF");
  try {
    drizzleMigrate(db, { migrationsFolder: folder });
  } catch (e) {
    if (pendingMigrations(db, folder) !== 0) throw e;
  } finally {
    if (enforced) client.pragma("foreign_keys = ON");
  }
  const broken = client.pragma("foreign_key_check") as { table: string; parent: string }[];
  if (broken.length > 0) {
    throw new Error(
      `the migrations left ${broken.length} row(s) with a broken reference, e.g. in ${broken[0]!.table} to ${broken[0]!.parent}`,
    );
  }
}
