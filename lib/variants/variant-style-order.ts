// Every variant's position in the order variants were created (then by id): the plots derive a
// variant's colour and marker from it, so a variant looks the same in every view and adding a
// variant never restyles the existing ones.
import { asc } from "drizzle-orm";
import { getDb } from "../../db/client";
import { variants } from "../../db/schema";

/** Variant name → 0-based creation rank. Names are unique. */
export function variantStyleOrder(): Map<string, number> {
  const rows = getDb()
    .select({ name: variants.name })
    .from(variants)
    .orderBy(asc(variants.createdAt), asc(variants.id))
    .all();
  return new Map(rows.map((r, i) => [r.name, i]));
}
