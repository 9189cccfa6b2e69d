// Which reference sets a run is compared with.
import { desc, eq, isNull, or } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { referenceSets, runs, type ReferenceSetRow } from "../../db/schema";

/** The latest version of each reference set tied to `promptSetId`, and of each global one. */
export function applicableReferenceSets(db: DbOrTx, promptSetId: string): ReferenceSetRow[] {
  const rows = db
    .select()
    .from(referenceSets)
    .where(or(eq(referenceSets.promptSetId, promptSetId), isNull(referenceSets.promptSetId)))
    .orderBy(desc(referenceSets.version))
    .all();
  const latest = new Map<string, ReferenceSetRow>();
  for (const r of rows) if (!latest.has(r.name)) latest.set(r.name, r);
  return [...latest.values()];
}

/** Whether run `runId` has any reference set to be compared with. */
export function hasApplicableReferenceSets(db: DbOrTx, runId: string): boolean {
  const run = db.select({ promptSetId: runs.promptSetId }).from(runs).where(eq(runs.id, runId)).get();
  return run !== undefined && applicableReferenceSets(db, run.promptSetId).length > 0;
}
