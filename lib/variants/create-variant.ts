// Registers a model variant (a conditioning setup) that runs are uploaded for.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb, type DbOrTx } from "../../db/client";
import { newId } from "../../db/ids";
import { conditioningTypeSchema, variantContributorsSchema, variants, type VariantRow } from "../../db/schema";
import { AppError, validationError } from "../core/errors";
import { recordAudit } from "../audit/record-audit";
import type { Actor } from "../auth/authorize-mutation";

/** Names appear in URLs and tables: letters, digits and . _ - + (no spaces). */
export const variantNameSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/,
    "use 1–100 letters, digits, '.', '_', '+' or '-', starting with a letter or digit",
  );

/** Variant links are rendered as anchors: http(s) only, so no javascript: or data: URL gets in. */
export const httpUrlSchema = z
  .url({ protocol: /^https?$/, error: "links must be http(s) URLs (http:// or https://)" })
  .max(2000);

export const createVariantInputSchema = z.object({
  name: variantNameSchema,
  description: z.string().max(5000).optional(),
  model: z.string().max(500).optional(),
  /** Shown as links on the variant page, so only http(s) URLs (no javascript:, data:, file:). */
  links: z.array(httpUrlSchema).max(20).default([]),
  conditioningType: conditioningTypeSchema,
  /** Who may add runs and generations: its owner (default) or anyone (lib/auth/authorize-contribution.ts). */
  contributors: variantContributorsSchema.default("owner"),
  isDemo: z.boolean().default(false),
});
export type CreateVariantInput = z.input<typeof createVariantInputSchema>;

/** Registers a variant for `actor` (POST /api/v1/variants): it owns it; recorded in the audit log. */
export function registerVariant(input: CreateVariantInput, actor: Actor): VariantRow {
  return getDb().transaction(
    (tx) => {
      const row = createVariant(input, tx, { apiKeyId: actor.id });
      recordAudit(tx, actor, {
        action: "variant.create",
        targetType: "variant",
        targetId: row.id,
        details: { name: row.name, contributors: row.contributors },
      });
      return row;
    },
    { behavior: "immediate" },
  );
}

/** Throws AppError 422 on bad input and 409 when the name is taken. `owner.apiKeyId`: the key creating it (null for demo data). */
export function createVariant(
  input: CreateVariantInput,
  db: DbOrTx = getDb(),
  owner: { apiKeyId: string | null } = { apiKeyId: null },
): VariantRow {
  const parsed = createVariantInputSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, "variant");
  const v = parsed.data;
  if (db.select({ id: variants.id }).from(variants).where(eq(variants.name, v.name)).get()) {
    throw new AppError("conflict", `a variant named "${v.name}" already exists`, { variant: v.name });
  }
  return db
    .insert(variants)
    .values({
      id: newId("var"),
      name: v.name,
      description: v.description ?? null,
      model: v.model ?? null,
      links: v.links,
      conditioningType: v.conditioningType,
      isDemo: v.isDemo,
      contributors: v.contributors,
      apiKeyId: owner.apiKeyId,
    })
    .returning()
    .get();
}
