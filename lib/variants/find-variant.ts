// A variant row by name or id inside a transaction, or a 404.
import { eq, or } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { variants, type VariantRow } from "../../db/schema";
import { AppError } from "../core/errors";

export function findVariantOrThrow(tx: DbOrTx, nameOrId: string): VariantRow {
  const row = tx
    .select()
    .from(variants)
    .where(or(eq(variants.name, nameOrId), eq(variants.id, nameOrId)))
    .get();
  if (!row) throw new AppError("not_found", `no variant named "${nameOrId}"`);
  return row;
}
