import { apiKeys } from "./api-keys";
import { createdAt, index, integer, table, text, uniqueIndex } from "./column-helpers";

export const promptSets = table(
  "prompt_sets",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    version: integer("version").notNull().default(1),
    description: text("description"),
    /** Set for prompt sets derived from an upload without a named set (`upload-<shortsha>`). */
    isImplicit: integer("is_implicit", { mode: "boolean" }).notNull().default(false),
    isDemo: integer("is_demo", { mode: "boolean" }).notNull().default(false),
    /** The API key that created it; null for demo data and rows older than ownership. */
    apiKeyId: text("api_key_id").references(() => apiKeys.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("prompt_sets_name_version_uq").on(t.name, t.version),
    index("prompt_sets_created_at_idx").on(t.createdAt),
  ],
);

export type PromptSetRow = typeof promptSets.$inferSelect;
export type NewPromptSetRow = typeof promptSets.$inferInsert;
