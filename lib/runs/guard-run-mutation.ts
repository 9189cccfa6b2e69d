// Wraps a run verb that has its own transaction (retry, rescore) in the owner rule and the audit
// log: 404 for an unknown run, 403 unless the actor owns it or is an admin, then the verb, then
// an audit row `run.<verb>` (written after the verb succeeds and changed something; a refused or
// no-op verb, such as re-scoring a run that already has the evaluator's scores, leaves none).
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { runs } from "../../db/schema";
import { recordAudit } from "../audit/record-audit";
import { authorizeMutation, type Actor } from "../auth/authorize-mutation";
import { AppError } from "../core/errors";

export function guardRunMutation<T>(
  id: string,
  actor: Actor,
  verb: string,
  fn: () => T,
  details: Record<string, unknown> = {},
  changed: (result: T) => boolean = () => true,
): T {
  const run = getDb().select({ apiKeyId: runs.apiKeyId }).from(runs).where(eq(runs.id, id)).get();
  if (!run) throw new AppError("not_found", `no run with id "${id}"`);
  authorizeMutation(actor, { kind: "run", id, ownerKeyId: run.apiKeyId }, verb);
  const result = fn();
  if (!changed(result)) return result;
  recordAudit(getDb(), actor, { action: `run.${verb}`, targetType: "run", targetId: id, details });
  return result;
}
