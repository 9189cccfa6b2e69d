// drizzle-kit for PostgreSQL: `npm run db:generate:pg -- --name <what changed>` writes a migration
// into db/migrations-pg from the same schema as the SQLite folder (db/schema/column-helpers.ts
// builds PostgreSQL tables when T2I_DATABASE_URL is a postgres:// URL, so it is set here before the
// schema loads). `npm run db:migrate` with T2I_DATABASE_URL set applies them.
import { defineConfig } from "drizzle-kit";
import { config } from "./lib/core/config";

// Generating needs no server: any postgres:// URL selects the dialect.
process.env.T2I_DATABASE_URL ??= "postgres://localhost/t2i";

export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations-pg",
  dbCredentials: { url: config().databaseUrl! },
  strict: true,
  verbose: true,
});
