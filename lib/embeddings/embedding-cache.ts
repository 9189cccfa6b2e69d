// The embedding cache: (kind, key, evaluator) → vector. Images are keyed by file sha256 and
// prompts by the sha256 of their text, so a file or prompt seen in any earlier run is not
// embedded again by the same evaluator.
import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { embeddings, type EmbeddingKind } from "../../db/schema";
import { decodeVector, encodeVector } from "./vector-codec";

export type CachedEmbedding = { vector: Float32Array; truncated: boolean | null; tokenCount: number | null };

export type NewEmbedding = {
  kind: EmbeddingKind;
  key: string;
  vector: Float32Array;
  truncated?: boolean;
  tokenCount?: number;
};

// Keeps IN (...) lists well under SQLite's bound-parameter limit.
const LOOKUP_CHUNK = 500;

export function getCachedEmbeddings(
  db: DbOrTx,
  kind: EmbeddingKind,
  keys: readonly string[],
  evaluatorId: string,
): Map<string, CachedEmbedding> {
  const out = new Map<string, CachedEmbedding>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += LOOKUP_CHUNK) {
    const rows = db
      .select({
        key: embeddings.key,
        vector: embeddings.vector,
        truncated: embeddings.truncated,
        tokenCount: embeddings.tokenCount,
      })
      .from(embeddings)
      .where(
        and(
          eq(embeddings.kind, kind),
          eq(embeddings.evaluatorId, evaluatorId),
          inArray(embeddings.key, unique.slice(i, i + LOOKUP_CHUNK)),
        ),
      )
      .all();
    for (const r of rows)
      out.set(r.key, { vector: decodeVector(r.vector), truncated: r.truncated, tokenCount: r.tokenCount });
  }
  return out;
}

/** Inserts cache rows; rows already present (another worker got there first) are kept as they are. */
export function putEmbeddings(db: DbOrTx, evaluatorId: string, rows: readonly NewEmbedding[]): void {
  for (let i = 0; i < rows.length; i += LOOKUP_CHUNK) {
    const values = rows.slice(i, i + LOOKUP_CHUNK).map((r) => ({
      kind: r.kind,
      key: r.key,
      evaluatorId,
      vector: encodeVector(r.vector),
      dim: r.vector.length,
      truncated: r.truncated ?? null,
      tokenCount: r.tokenCount ?? null,
    }));
    if (values.length > 0) db.insert(embeddings).values(values).onConflictDoNothing().run();
  }
}
