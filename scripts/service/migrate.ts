// npm run db:migrate: brings the database at T2I_DB_PATH (default <T2I_DATA_DIR>/t2i.sqlite)
// to the latest schema. Exits 1 with the reason when a migration fails.
import { closeDb, getDb } from "../../db/client";
import { migrate, pendingMigrations } from "../../db/migrate";
import { config } from "../../lib/core/config";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  process.stdout.write(`Usage: npm run db:migrate

Applies the migrations in db/migrations that the database has not seen yet.
Database: T2I_DB_PATH, default <T2I_DATA_DIR>/t2i.sqlite (T2I_DATA_DIR defaults to ./data).
`);
  process.exit(0);
}

try {
  const file = config().dbPath;
  const pending = pendingMigrations(getDb());
  migrate();
  console.log(
    pending === 0 ? `${file}: already up to date` : `${file}: applied ${pending} migration${pending === 1 ? "" : "s"}`,
  );
  closeDb();
} catch (e) {
  console.error(`migration failed: ${e instanceof Error ? e.message : String(e)}`);
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : undefined;
  if (cause) console.error(`  cause: ${cause}`);
  process.exit(1);
}
