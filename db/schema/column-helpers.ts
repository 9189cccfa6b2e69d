// Column helpers shared by the tables: every timestamp is integer milliseconds since the epoch,
// defaulted by SQLite so that rows written by raw SQL get one too.
import { sql, type AnyColumn, type SQL } from "drizzle-orm";
import { integer } from "drizzle-orm/sqlite-core";

export const nowMs = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

/** A NOT NULL creation timestamp (ms) set by SQLite. */
export const createdAt = () => integer("created_at", { mode: "timestamp_ms" }).notNull().default(nowMs);

/** A NOT NULL update timestamp (ms), set by SQLite on insert and by drizzle on every update. */
export const updatedAt = () =>
  integer("updated_at", { mode: "timestamp_ms" })
    .notNull()
    .default(nowMs)
    .$onUpdate(() => new Date());

/** A nullable timestamp (ms). */
export const timestamp = (name: string) => integer(name, { mode: "timestamp_ms" });

/** SQL for `column IN ('a', 'b')`, for CHECK constraints that mirror a TS enum. */
export function oneOf(column: AnyColumn, values: readonly string[]): SQL {
  return sql`${column} in (${sql.raw(values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", "))})`;
}
