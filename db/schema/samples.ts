import { images } from "./images";
import { prompts } from "./prompts";
import { runs } from "./runs";
import { index, integer, table, text, uniqueIndex } from "./column-helpers";

/** One generated image of a run. Rows are inserted in upload order, which fixes the report order. */
export const samples = table(
  "samples",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    promptId: integer("prompt_id")
      .notNull()
      .references(() => prompts.id),
    seed: integer("seed"),
    /** 0-based position among the run's samples of the same prompt. */
    sampleIndex: integer("sample_index").notNull(),
    imageSha256: text("image_sha256")
      .notNull()
      .references(() => images.sha256),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    /** The name the file had in the upload. */
    fileName: text("file_name").notNull(),
  },
  (t) => [
    uniqueIndex("samples_run_file_uq").on(t.runId, t.fileName),
    uniqueIndex("samples_run_prompt_index_uq").on(t.runId, t.promptId, t.sampleIndex),
    // Index entries end with the rowid, so this also serves "run's samples in id order".
    index("samples_run_idx").on(t.runId),
    index("samples_image_idx").on(t.imageSha256),
    index("samples_prompt_idx").on(t.promptId),
  ],
);

export type SampleRow = typeof samples.$inferSelect;
export type NewSampleRow = typeof samples.$inferInsert;
