// Renames a variant and edits its description and links (owner or admin). Links must be http(s)
// URLs: they are rendered as anchors, so javascript: and data: URLs are refused. A taken name is
// a 409. The change and the old values are recorded in the audit log.
import { and, eq, ne } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { variantContributorsSchema, variants, type VariantRow } from "../../db/schema";
import { recordAudit } from "../audit/record-audit";
import { authorizeMutation, type Actor } from "../auth/authorize-mutation";
import { AppError, validationError } from "../core/errors";
import { httpUrlSchema, variantNameSchema } from "./create-variant";
import { findVariantOrThrow } from "./find-variant";

export const updateVariantInputSchema = z
  .object({
    name: variantNameSchema.optional(),
    /** null or "" clears it. */
    description: z.string().max(5000).nullable().optional(),
    links: z.array(httpUrlSchema).max(20).optional(),
    /** "anyone" opens the variant to runs and generations from every key; "owner" closes it again. */
    contributors: variantContributorsSchema.optional(),
  })
  .strict()
  .refine(
    (v) => v.name !== undefined || v.description !== undefined || v.links !== undefined || v.contributors !== undefined,
    "nothing to change: give name, description, links or contributors",
  );
export type UpdateVariantInput = z.input<typeof updateVariantInputSchema>;

/** Throws 422 on bad input, 404 for an unknown variant, 403 unless owner or admin, 409 for a taken name. */
export function updateVariant(nameOrId: string, actor: Actor, input: UpdateVariantInput): VariantRow {
  const parsed = updateVariantInputSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, "variant change");
  const c = parsed.data;
  return getDb().transaction(
    (tx) => {
      const v = findVariantOrThrow(tx, nameOrId);
      authorizeMutation(actor, { kind: "variant", id: v.id, ownerKeyId: v.apiKeyId }, "edit");
      if (
        c.name !== undefined &&
        tx
          .select({ id: variants.id })
          .from(variants)
          .where(and(eq(variants.name, c.name), ne(variants.id, v.id)))
          .get()
      ) {
        throw new AppError("conflict", `a variant named "${c.name}" already exists`, { variant: c.name });
      }
      const set = {
        ...(c.name !== undefined ? { name: c.name } : {}),
        ...(c.description !== undefined ? { description: c.description || null } : {}),
        ...(c.links !== undefined ? { links: c.links } : {}),
        ...(c.contributors !== undefined ? { contributors: c.contributors } : {}),
      };
      const row = tx.update(variants).set(set).where(eq(variants.id, v.id)).returning().get();
      const before = Object.fromEntries(Object.keys(set).map((k) => [k, v[k as keyof typeof set]]));
      recordAudit(tx, actor, {
        action: "variant.update",
        targetType: "variant",
        targetId: v.id,
        details: { before, after: set },
      });
      return row;
    },
    { behavior: "immediate" },
  );
}
