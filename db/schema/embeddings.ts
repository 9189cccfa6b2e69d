import { blob, check, createdAt, integer, oneOf, primaryKey, table, text } from "./column-helpers";
import { evaluators } from "./evaluators";

export const EMBEDDING_KINDS = ["image", "text"] as const;
export type EmbeddingKind = (typeof EMBEDDING_KINDS)[number];

/** Embedding cache: an image or prompt is embedded once per evaluator (lib/embeddings/). */
export const embeddings = table(
  "embeddings",
  {
    kind: text("kind", { enum: EMBEDDING_KINDS }).notNull(),
    /** Image: its sha256. Text: sha256 of the prompt's UTF-8 text. */
    key: text("key").notNull(),
    evaluatorId: text("evaluator_id")
      .notNull()
      .references(() => evaluators.id),
    /** L2-normalised float32 little-endian. */
    vector: blob("vector", { mode: "buffer" }).notNull(),
    dim: integer("dim").notNull(),
    /** Text only: the prompt was cut to the context length. */
    truncated: integer("truncated", { mode: "boolean" }),
    tokenCount: integer("token_count"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.key, t.evaluatorId] }),
    check("embeddings_kind_ck", oneOf(t.kind, EMBEDDING_KINDS)),
  ],
);

export type EmbeddingRow = typeof embeddings.$inferSelect;
export type NewEmbeddingRow = typeof embeddings.$inferInsert;
