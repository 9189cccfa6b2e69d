// Reference sets, newest version of each name first within the name, with image counts.
import { asc, desc, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { referenceSets, type ReferenceSetRow } from "../../db/schema";

export type ReferenceSetListItem = ReferenceSetRow & {
  imageCount: number;
  promptSet: { id: string; name: string; version: number } | null;
};

export function listReferenceSets(): ReferenceSetListItem[] {
  // Written out: inside the subqueries drizzle would render outer columns unqualified.
  const imageCount = sql<number>`(select count(*) from reference_images ri where ri.reference_set_id = reference_sets.id)`;
  const psName = sql<string | null>`(select p.name from prompt_sets p where p.id = reference_sets.prompt_set_id)`;
  const psVersion = sql<number | null>`(select p.version from prompt_sets p where p.id = reference_sets.prompt_set_id)`;
  return getDb()
    .select({ set: referenceSets, imageCount, psName, psVersion })
    .from(referenceSets)
    .orderBy(asc(referenceSets.name), desc(referenceSets.version))
    .all()
    .map((r) => ({
      ...r.set,
      imageCount: r.imageCount,
      promptSet: r.set.promptSetId ? { id: r.set.promptSetId, name: r.psName!, version: r.psVersion! } : null,
    }));
}
