// Writes one audit-log row inside the caller's transaction, so a mutation and its record commit
// (or roll back) together.
import type { DbOrTx } from "../../db/client";
import { auditLog } from "../../db/schema";
import type { Actor } from "../auth/authorize-mutation";

export type AuditEntry = {
  /** `<target type>.<verb>`, e.g. run.delete, variant.hide, variant.update. */
  action: string;
  targetType: "run" | "variant" | "generation" | "prompt_set" | "reference_set";
  targetId: string;
  details?: Record<string, unknown>;
};

export function recordAudit(tx: DbOrTx, actor: Actor, entry: AuditEntry): void {
  tx.insert(auditLog)
    .values({
      apiKeyId: actor.id,
      apiKeyName: actor.name,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      details: entry.details ?? {},
    })
    .run();
}
