// Applies the committed PostgreSQL migrations (db/migrations-pg, generated from the same schema as
// db/migrations by drizzle.pg.config.ts) with drizzle's node-postgres migrator. Several web
// servers starting at once take turns: a session-level advisory lock is held while migrating, so
// the second finds nothing pending.
import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate as drizzleMigrate } from "drizzle-orm/node-postgres/migrator";
import { readMigrationFiles } from "drizzle-orm/migrator";
import pg from "pg";

/** Resolved from the working directory, like db/migrations (bundlers move module files). */
export const PG_MIGRATIONS_DIR = path.resolve("db/migrations-pg");

/** Any fixed 64-bit key, the same in every process of the service. */
const MIGRATION_LOCK = 0x7432695f6d6967; // "t2i_mig"

/** Applies the pending migrations to the database at `url`; answers how many it applied. */
export async function migratePostgres(url: string, folder = PG_MIGRATIONS_DIR): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    const before = await appliedCount(client);
    await drizzleMigrate(drizzle(client), { migrationsFolder: folder });
    return (await appliedCount(client)) - before;
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/** Migrations in the folder that the database at `url` has not applied yet. */
export async function pendingPostgresMigrations(url: string, folder = PG_MIGRATIONS_DIR): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return readMigrationFiles({ migrationsFolder: folder }).length - (await appliedCount(client));
  } finally {
    await client.end();
  }
}

async function appliedCount(client: pg.Client): Promise<number> {
  const exists = await client.query(
    "select 1 from information_schema.tables where table_schema = 'drizzle' and table_name = '__drizzle_migrations'",
  );
  if (exists.rowCount === 0) return 0;
  const r = await client.query<{ n: string }>("select count(*) as n from drizzle.__drizzle_migrations");
  return Number(r.rows[0]!.n);
}
