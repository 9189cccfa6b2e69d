// Where an upload without a named prompt set lands: an existing set that holds every one of its
// prompts (prompts are the same when their texts are, as in resolving items against a named set).
// Demo sets never attract real uploads (they are removed with the demo data).
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { prompts, promptSets, type PromptSetRow } from "../../db/schema";

// Keeps IN (...) lists well under SQLite's bound-parameter limit.
const CHUNK = 500;

/**
 * The set every text of `texts` belongs to, or undefined. Among several: named sets before
 * upload-derived ones, then the fewest prompts (the closest fit), then the latest version,
 * then the oldest set, so the choice is stable as sets are added.
 */
export function findContainingPromptSet(tx: DbOrTx, texts: readonly string[]): PromptSetRow | undefined {
  const distinct = [...new Set(texts)];
  if (distinct.length === 0) return undefined;
  const candidates = tx
    .select({ set: promptSets, size: sql<number>`(select count(*) from prompts p where p.prompt_set_id = prompt_sets.id)` })
    .from(prompts)
    .innerJoin(promptSets, eq(promptSets.id, prompts.promptSetId))
    .where(and(eq(prompts.text, distinct[0]!), eq(promptSets.isDemo, false)))
    .all()
    .filter((c) => c.size >= distinct.length);
  candidates.sort(
    (a, b) =>
      Number(a.set.isImplicit) - Number(b.set.isImplicit) ||
      a.size - b.size ||
      b.set.version - a.set.version ||
      a.set.createdAt.getTime() - b.set.createdAt.getTime() ||
      a.set.id.localeCompare(b.set.id),
  );
  for (const c of candidates) {
    let found = 0;
    for (let k = 0; k < distinct.length; k += CHUNK) {
      found += tx
        .select({ n: sql<number>`count(*)` })
        .from(prompts)
        .where(and(eq(prompts.promptSetId, c.set.id), inArray(prompts.text, distinct.slice(k, k + CHUNK))))
        .get()!.n;
    }
    if (found === distinct.length) return c.set;
  }
  return undefined;
}
