import { promptSets } from "./prompt-sets";
import { integer, table, text, uniqueIndex } from "./column-helpers";

export const prompts = table(
  "prompts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    promptSetId: text("prompt_set_id")
      .notNull()
      .references(() => promptSets.id, { onDelete: "cascade" }),
    /** Stable id within the set: the file's `id` column, else a hash of the text. */
    promptKey: text("prompt_key").notNull(),
    text: text("text").notNull(),
    category: text("category"),
    position: integer("position").notNull(),
  },
  (t) => [
    uniqueIndex("prompts_set_key_uq").on(t.promptSetId, t.promptKey),
    uniqueIndex("prompts_set_position_uq").on(t.promptSetId, t.position),
    // Items may name their prompt by text, so a text appears once per set.
    uniqueIndex("prompts_set_text_uq").on(t.promptSetId, t.text),
  ],
);

export type PromptRow = typeof prompts.$inferSelect;
export type NewPromptRow = typeof prompts.$inferInsert;
