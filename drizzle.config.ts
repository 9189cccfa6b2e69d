// drizzle-kit: `npm run db:generate -- --name <what changed>` writes a migration into
// db/migrations from db/schema; `npm run db:migrate` applies them (scripts/service/migrate.ts).
import { defineConfig } from "drizzle-kit";
import { config } from "./lib/core/config";

export default defineConfig({
  dialect: "sqlite",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  dbCredentials: { url: config().dbPath },
  strict: true,
  verbose: true,
});
