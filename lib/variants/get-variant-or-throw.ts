// One variant by name or id, with how many runs it has.
import { eq, or, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { runs, variants, type VariantRow } from "../../db/schema";
import { AppError } from "../errors";

export type VariantDetail = VariantRow & { runCount: number; scoredRunCount: number };

export function getVariantOrThrow(nameOrId: string): VariantDetail {
  const db = getDb();
  const row = db
    .select()
    .from(variants)
    .where(or(eq(variants.name, nameOrId), eq(variants.id, nameOrId)))
    .get();
  if (!row) throw new AppError("not_found", `no variant named "${nameOrId}"`);
  const counts = db
    .select({ runCount: sql<number>`count(*)`, scoredRunCount: sql<number>`coalesce(sum(${runs.status} = 'scored'), 0)` })
    .from(runs)
    .where(eq(runs.variantId, row.id))
    .get()!;
  return { ...row, runCount: counts.runCount, scoredRunCount: counts.scoredRunCount };
}
