import { apiKeys } from "./api-keys";
import { createdAt, index, integer, table, text, uniqueIndex } from "./column-helpers";
import { images } from "./images";
import { prompts } from "./prompts";
import { promptSets } from "./prompt-sets";

/**
 * A named, versioned set of real images that runs are compared with (lib/reference-sets/).
 * Tied to a prompt set (each image belongs to one of its prompts) or global (`promptSetId` null).
 */
export const referenceSets = table(
  "reference_sets",
  {
    /** `ref_<random>`; used in URLs. */
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    version: integer("version").notNull().default(1),
    description: text("description"),
    promptSetId: text("prompt_set_id").references(() => promptSets.id),
    /** The API key that uploaded it; null for sets made on the server (toy:reference) and rows older than ownership. */
    apiKeyId: text("api_key_id").references(() => apiKeys.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("reference_sets_name_version_uq").on(t.name, t.version),
    index("reference_sets_prompt_set_idx").on(t.promptSetId),
    index("reference_sets_created_at_idx").on(t.createdAt),
  ],
);

/** One image of a reference set; `promptId` is set exactly when the set is tied to a prompt set. */
export const referenceImages = table(
  "reference_images",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    referenceSetId: text("reference_set_id")
      .notNull()
      .references(() => referenceSets.id, { onDelete: "cascade" }),
    imageSha256: text("image_sha256")
      .notNull()
      .references(() => images.sha256),
    promptId: integer("prompt_id").references(() => prompts.id),
    fileName: text("file_name").notNull(),
  },
  (t) => [
    uniqueIndex("reference_images_set_file_uq").on(t.referenceSetId, t.fileName),
    index("reference_images_set_prompt_idx").on(t.referenceSetId, t.promptId),
  ],
);

export type ReferenceSetRow = typeof referenceSets.$inferSelect;
export type NewReferenceSetRow = typeof referenceSets.$inferInsert;
export type ReferenceImageRow = typeof referenceImages.$inferSelect;
