// Hides a variant (and so all its runs) from rankings, or shows it again (owner or admin); the
// variant and run pages stay readable and show the reason. Recorded in the audit log.
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { variants } from "../../db/schema";
import { recordAudit } from "../audit/record-audit";
import { authorizeMutation, type Actor } from "../auth/authorize-mutation";
import { hideReasonSchema, type HiddenState } from "../auth/hide-reason";
import { findVariantOrThrow } from "./find-variant";
import { validationError } from "../core/errors";

/** `reason` is required when hiding (422 without). Throws 404 for an unknown variant, 403 unless owner or admin. */
export function setVariantHidden(
  nameOrId: string,
  actor: Actor,
  change: { hidden: true; reason: string } | { hidden: false },
): HiddenState {
  const reason = change.hidden ? hideReasonSchema.safeParse(change.reason) : undefined;
  if (reason && !reason.success) throw validationError(reason.error, "hide request (reason)");
  return getDb().transaction(
    (tx) => {
      const v = findVariantOrThrow(tx, nameOrId);
      authorizeMutation(
        actor,
        { kind: "variant", id: v.id, ownerKeyId: v.apiKeyId },
        change.hidden ? "hide" : "unhide",
      );
      const row = tx
        .update(variants)
        .set(
          change.hidden
            ? { hiddenAt: new Date(), hiddenReason: reason!.data! }
            : { hiddenAt: null, hiddenReason: null },
        )
        .where(eq(variants.id, v.id))
        .returning({ id: variants.id, hiddenAt: variants.hiddenAt, hiddenReason: variants.hiddenReason })
        .get();
      recordAudit(tx, actor, {
        action: change.hidden ? "variant.hide" : "variant.unhide",
        targetType: "variant",
        targetId: v.id,
        details: change.hidden ? { name: v.name, reason: reason!.data } : { name: v.name },
      });
      return { ...row, hidden: row.hiddenAt !== null };
    },
    { behavior: "immediate" },
  );
}
