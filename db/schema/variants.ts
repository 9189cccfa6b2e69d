import { z } from "zod";
import { apiKeys } from "./api-keys";
import { check, createdAt, index, integer, oneOf, table, text, timestamp, uniqueIndex } from "./column-helpers";

/** How a variant conditions its image decoder. */
export const CONDITIONING_TYPES = [
  "text_sequence",
  "clip_image_embedding",
  "clip_text_embedding",
  "clip_image_embedding+text_sequence",
  "other",
] as const;
export const conditioningTypeSchema = z.enum(CONDITIONING_TYPES);
export type ConditioningType = z.infer<typeof conditioningTypeSchema>;

/**
 * Who may add runs and generation requests to a variant: `owner` (its creator's key, and admins),
 * or `anyone` (every key; the owner opened it). Demo variants accept nothing through the API.
 */
export const VARIANT_CONTRIBUTORS = ["owner", "anyone"] as const;
export const variantContributorsSchema = z.enum(VARIANT_CONTRIBUTORS);
export type VariantContributors = z.infer<typeof variantContributorsSchema>;

export const variants = table(
  "variants",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description"),
    /** Backbone or checkpoint the variant is built on. */
    model: text("model"),
    links: text("links", { mode: "json" }).$type<string[]>().notNull().default([]),
    conditioningType: text("conditioning_type", { enum: CONDITIONING_TYPES }).notNull(),
    isDemo: integer("is_demo", { mode: "boolean" }).notNull().default(false),
    /** The API key that created it; null for demo data and rows older than ownership. */
    apiKeyId: text("api_key_id").references(() => apiKeys.id),
    /** Set while hidden from rankings (still readable by id); the reason is shown to readers. */
    hiddenAt: timestamp("hidden_at"),
    hiddenReason: text("hidden_reason"),
    /** Who may add runs and generations (VARIANT_CONTRIBUTORS); the owner sets it. No CHECK: adding one would rebuild the table; zod guards every write. */
    contributors: text("contributors", { enum: VARIANT_CONTRIBUTORS }).notNull().default("owner"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("variants_name_uq").on(t.name),
    index("variants_created_at_idx").on(t.createdAt),
    check("variants_conditioning_type_ck", oneOf(t.conditioningType, CONDITIONING_TYPES)),
  ],
);

export type VariantRow = typeof variants.$inferSelect;
export type NewVariantRow = typeof variants.$inferInsert;
