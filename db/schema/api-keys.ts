import { z } from "zod";
import { createdAt, index, table, text, timestamp, uniqueIndex } from "./column-helpers";

/** admin: may change anything; submitter: may change only what it created (lib/auth/authorize-mutation.ts). */
export const API_KEY_ROLES = ["admin", "submitter"] as const;
export const apiKeyRoleSchema = z.enum(API_KEY_ROLES);
export type ApiKeyRole = z.infer<typeof apiKeyRoleSchema>;

/** API keys: only the SHA-256 of the secret is stored (lib/auth/api-keys.ts). */
export const apiKeys = table(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    /** The first characters of the secret, shown so that users can tell keys apart. */
    prefix: text("prefix").notNull(),
    /** Keys made before roles existed were made with the CLI on the server, hence admin. Checked by zod, not a CHECK (adding one would rebuild the table). */
    role: text("role", { enum: API_KEY_ROLES }).notNull().default("admin"),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at"),
    revokedAt: timestamp("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_key_hash_uq").on(t.keyHash), index("api_keys_created_at_idx").on(t.createdAt)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKeyRow = typeof apiKeys.$inferInsert;
