// All variants, by name, with their run counts.
import { asc, eq, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { runs, variants } from "../../db/schema";
import type { VariantDetail } from "./get-variant-or-throw";

export function listVariants(): VariantDetail[] {
  return getDb()
    .select({
      id: variants.id,
      name: variants.name,
      description: variants.description,
      model: variants.model,
      links: variants.links,
      conditioningType: variants.conditioningType,
      isDemo: variants.isDemo,
      apiKeyId: variants.apiKeyId,
      hiddenAt: variants.hiddenAt,
      hiddenReason: variants.hiddenReason,
      contributors: variants.contributors,
      createdAt: variants.createdAt,
      runCount: sql<number>`count(${runs.id})`,
      scoredRunCount: sql<number>`coalesce(sum(${runs.status} = 'scored'), 0)`,
    })
    .from(variants)
    .leftJoin(runs, eq(runs.variantId, variants.id))
    .groupBy(variants.id)
    .orderBy(asc(variants.name))
    .all();
}
