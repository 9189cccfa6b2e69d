// Generations, newest first, filtered by variant and status.
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { generations, generationStatusSchema, variants } from "../../db/schema";
import { generationViews, type GenerationView } from "./get-generation-or-throw";
import { decimalNumber } from "../core/decimal-number";
import { validationError } from "../core/errors";

export const listGenerationsInputSchema = z.object({
  variant: z.string().trim().min(1).optional().meta({ description: "Variant name." }),
  status: generationStatusSchema.optional(),
  limit: decimalNumber((n) => n.int().min(1).max(200)).default(50),
  offset: decimalNumber((n) => n.int().min(0)).default(0),
});
export type ListGenerationsInput = z.input<typeof listGenerationsInputSchema>;

export function listGenerations(input: ListGenerationsInput = {}): {
  generations: GenerationView[];
  total: number;
  limit: number;
  offset: number;
} {
  const parsed = listGenerationsInputSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, "filters");
  const f = parsed.data;
  const db = getDb();
  const where: SQL[] = [];
  if (f.variant) where.push(eq(variants.name, f.variant));
  if (f.status) where.push(eq(generations.status, f.status));
  const cond = where.length > 0 ? and(...where) : undefined;
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(generations)
    .innerJoin(variants, eq(variants.id, generations.variantId))
    .where(cond)
    .get()!.n;
  const ids = db
    .select({ id: generations.id })
    .from(generations)
    .innerJoin(variants, eq(variants.id, generations.variantId))
    .where(cond)
    .orderBy(desc(generations.createdAt), desc(generations.id))
    .limit(f.limit)
    .offset(f.offset)
    .all()
    .map((r) => r.id);
  return { generations: generationViews(db, ids), total, limit: f.limit, offset: f.offset };
}
