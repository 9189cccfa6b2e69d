// npm run db:migrate: brings the database at T2I_DB_PATH (default <T2I_DATA_DIR>/t2i.sqlite), or
// the PostgreSQL database at T2I_DATABASE_URL, to the latest schema. Exits 1 with the reason when
// a migration fails.
import { closeDb, getDb } from "../../db/client";
import { migrate, pendingMigrations } from "../../db/migrate";
import { migratePostgres } from "../../db/migrate-postgres";
import { parseCliArgs } from "../../lib/core/cli-args";
import { config } from "../../lib/core/config";

const HELP = `Usage: npm run db:migrate

Applies the migrations that the database has not seen yet: db/migrations to the SQLite file
at T2I_DB_PATH (default <T2I_DATA_DIR>/t2i.sqlite; T2I_DATA_DIR defaults to ./data), or
db/migrations-pg to the PostgreSQL database at T2I_DATABASE_URL when that is set.
`;

// A typo (an unknown option, a stray word) prints the usage and exits 2, as every script does.
const { values } = parseCliArgs(
  { options: { help: { type: "boolean", short: "h" } } },
  { script: "db:migrate", usage: HELP },
);
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function failed(e: unknown): never {
  console.error(`migration failed: ${e instanceof Error ? e.message : String(e)}`);
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : undefined;
  if (cause) console.error(`  cause: ${cause}`);
  process.exit(1);
}

const url = config().databaseUrl;
if (url) {
  const where = url.replace(/\/\/[^@/]*@/, "//…@");
  migratePostgres(url).then(
    (n) =>
      console.log(n === 0 ? `${where}: already up to date` : `${where}: applied ${n} migration${n === 1 ? "" : "s"}`),
    failed,
  );
} else {
  try {
    const file = config().dbPath;
    const pending = pendingMigrations(getDb());
    migrate();
    console.log(
      pending === 0
        ? `${file}: already up to date`
        : `${file}: applied ${pending} migration${pending === 1 ? "" : "s"}`,
    );
    closeDb();
  } catch (e) {
    failed(e);
  }
}
