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
 */
export function migrate(db: Db = getDb(), folder = MIGRATIONS_DIR): void {
  try {
    drizzleMigrate(db, { migrationsFolder: folder });
  } catch (e) {
    if (pendingMigrations(db, folder) === 0) return;
    throw e;
  }
}
