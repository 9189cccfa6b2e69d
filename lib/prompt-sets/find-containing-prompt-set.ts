// Where an upload without a named prompt set lands: an existing set that holds every one of its
// prompts (prompts are the same when their identities are: promptIdentity, as everywhere).
// Demo sets never attract real uploads (they are removed with the demo data).
import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { prompts, promptSets, type PromptSetRow } from "../../db/schema";
import { promptIdentity } from "../core/prompt-identity";

/**
 * The set every text of `texts` belongs to, or undefined. Among several: named sets before
 * upload-derived ones, then the fewest prompts (the closest fit), then the latest version,
 * then the oldest set, so the choice is stable as sets are added.
 */
export function findContainingPromptSet(tx: DbOrTx, texts: readonly string[]): PromptSetRow | undefined {
  const distinct = [...new Set(texts.map(promptIdentity))];
  if (distinct.length === 0) return undefined;
  // Identity is computed in code, so candidates are the sets large enough, checked one by one.
  const candidates = tx
    .select({
      set: promptSets,
      size: sql<number>`(select count(*) from prompts p where p.prompt_set_id = prompt_sets.id)`,
    })
    .from(promptSets)
    .where(eq(promptSets.isDemo, false))
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
    const held = new Set(
      tx
        .select({ text: prompts.text })
        .from(prompts)
        .where(eq(prompts.promptSetId, c.set.id))
        .all()
        .map((r) => promptIdentity(r.text)),
    );
    if (distinct.every((t) => held.has(t))) return c.set;
  }
  return undefined;
}
