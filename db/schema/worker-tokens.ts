import { createdAt, index, table, text, timestamp, uniqueIndex } from "./column-helpers";

/** Tokens of GPU generation workers: like API keys, only the SHA-256 of the secret is stored (lib/auth/worker-tokens.ts). */
export const workerTokens = table(
  "worker_tokens",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** The first characters of the secret, shown so that users can tell tokens apart. */
    prefix: text("prefix").notNull(),
    /** The variant names the worker declared in its last claim. */
    variants: text("variants", { mode: "json" }).$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
    lastSeenAt: timestamp("last_seen_at"),
    revokedAt: timestamp("revoked_at"),
  },
  (t) => [
    uniqueIndex("worker_tokens_token_hash_uq").on(t.tokenHash),
    index("worker_tokens_created_at_idx").on(t.createdAt),
  ],
);

export type WorkerTokenRow = typeof workerTokens.$inferSelect;
export type NewWorkerTokenRow = typeof workerTokens.$inferInsert;
