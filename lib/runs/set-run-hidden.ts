// Hides a run from rankings (leaderboard, variant curves, plot data) or shows it again (owner or
// admin). A hidden run stays readable by id and its page shows the reason. Hiding needs a reason;
// hiding a hidden run again updates the reason. Recorded in the audit log.
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { runs, variants } from "../../db/schema";
import { recordAudit } from "../audit/record-audit";
import { authorizeRunRemoval, type Actor } from "../auth/authorize-mutation";
import { hideReasonSchema, type HiddenState } from "../auth/hide-reason";
import { AppError, validationError } from "../core/errors";

/** `reason` is required when hiding (422 without). Throws 404 for an unknown run, 403 unless it, or its variant, is the actor's, or the actor is an admin. */
export function setRunHidden(
  id: string,
  actor: Actor,
  change: { hidden: true; reason: string } | { hidden: false },
): HiddenState {
  const reason = change.hidden ? hideReasonSchema.safeParse(change.reason) : undefined;
  if (reason && !reason.success) throw validationError(reason.error, "hide request (reason)");
  return getDb().transaction(
    (tx) => {
      const run = tx
        .select({ id: runs.id, apiKeyId: runs.apiKeyId, variantOwner: variants.apiKeyId })
        .from(runs)
        .innerJoin(variants, eq(variants.id, runs.variantId))
        .where(eq(runs.id, id))
        .get();
      if (!run) throw new AppError("not_found", `no run with id "${id}"`);
      authorizeRunRemoval(
        actor,
        { id, ownerKeyId: run.apiKeyId, variantOwnerKeyId: run.variantOwner },
        change.hidden ? "hide" : "unhide",
      );
      const row = tx
        .update(runs)
        .set(
          change.hidden
            ? { hiddenAt: new Date(), hiddenReason: reason!.data! }
            : { hiddenAt: null, hiddenReason: null },
        )
        .where(eq(runs.id, id))
        .returning({ id: runs.id, hiddenAt: runs.hiddenAt, hiddenReason: runs.hiddenReason })
        .get();
      recordAudit(tx, actor, {
        action: change.hidden ? "run.hide" : "run.unhide",
        targetType: "run",
        targetId: id,
        details: change.hidden ? { reason: reason!.data } : {},
      });
      return { ...row, hidden: row.hiddenAt !== null };
    },
    { behavior: "immediate" },
  );
}
