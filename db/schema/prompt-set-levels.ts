import { apiKeys } from "./api-keys";
import { check, createdAt, index, oneOf, primaryKey, real, table, text, updatedAt } from "./column-helpers";
import { evaluators } from "./evaluators";
import { promptSets } from "./prompt-sets";

/** admin: set through the API/CLI/page; frozen: stored when the board was first ranked (lib/leaderboard/board-level.ts). */
export const PROMPT_SET_LEVEL_SOURCES = ["admin", "frozen"] as const;

/**
 * The default diversity level of one prompt set version's board for one evaluator, when its
 * reference set gives none (lib/leaderboard/board-level.ts). Changes are recorded in the audit log.
 */
export const promptSetLevels = table(
  "prompt_set_levels",
  {
    promptSetId: text("prompt_set_id")
      .notNull()
      .references(() => promptSets.id, { onDelete: "cascade" }),
    evaluatorId: text("evaluator_id")
      .notNull()
      .references(() => evaluators.id),
    /** Pairwise diversity, 0–2. */
    level: real("level").notNull(),
    source: text("source", { enum: PROMPT_SET_LEVEL_SOURCES }).notNull(),
    note: text("note"),
    /** The admin key that set it; null when frozen by the service. */
    apiKeyId: text("api_key_id").references(() => apiKeys.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.promptSetId, t.evaluatorId] }),
    index("prompt_set_levels_evaluator_idx").on(t.evaluatorId),
    check("prompt_set_levels_source_ck", oneOf(t.source, PROMPT_SET_LEVEL_SOURCES)),
  ],
);

export type PromptSetLevelRow = typeof promptSetLevels.$inferSelect;
