// Writes a prompt set and its prompts inside the caller's transaction.
import type { DbOrTx } from "../../db/client";
import { newId } from "../../db/ids";
import { prompts, promptSets, type PromptSetRow } from "../../db/schema";

export type PromptToInsert = { key: string; text: string; category: string | null };

// Rows per INSERT, under SQLite's bound-parameter limit.
const ROWS_PER_INSERT = 1000;

export function insertPromptSet(
  tx: DbOrTx,
  set: {
    name: string;
    version: number;
    description: string | null;
    isImplicit: boolean;
    isDemo: boolean;
    apiKeyId?: string | null;
  },
  rows: readonly PromptToInsert[],
): PromptSetRow {
  const row = tx
    .insert(promptSets)
    .values({ id: newId("ps"), ...set })
    .returning()
    .get();
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    tx.insert(prompts)
      .values(
        rows.slice(i, i + ROWS_PER_INSERT).map((p, k) => ({
          promptSetId: row.id,
          promptKey: p.key,
          text: p.text,
          category: p.category,
          position: i + k,
        })),
      )
      .run();
  }
  return row;
}
