// One variant by name or id, with how many runs it has.
import { eq, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { runs, type VariantRow } from "../../db/schema";
import { findVariantOrThrow } from "./find-variant";

export type VariantDetail = VariantRow & { runCount: number; scoredRunCount: number };

export function getVariantOrThrow(nameOrId: string): VariantDetail {
  const db = getDb();
  const row = findVariantOrThrow(db, nameOrId);
  const counts = db
    .select({
      runCount: sql<number>`count(*)`,
      scoredRunCount: sql<number>`coalesce(sum(${runs.status} = 'scored'), 0)`,
    })
    .from(runs)
    .where(eq(runs.variantId, row.id))
    .get()!;
  return { ...row, runCount: counts.runCount, scoredRunCount: counts.scoredRunCount };
}
