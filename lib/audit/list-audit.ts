// The audit log, newest first, for admins: who (key id and name), what (action, target,
// details), when. Paged with a `before` cursor (an entry id) so new rows don't shift pages.
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { auditLog, type AuditLogRow } from "../../db/schema";
import { requireAdmin, type Actor } from "../auth/authorize-mutation";
import { decimalNumber } from "../core/decimal-number";
import { validationError } from "../core/errors";

export const listAuditInputSchema = z.object({
  targetType: z.enum(["run", "variant", "generation", "prompt_set", "reference_set"]).optional(),
  targetId: z.string().trim().min(1).max(200).optional(),
  /** Only entries with a smaller id (the `nextBefore` of the previous page). */
  before: decimalNumber((n) => n.int().min(1)).optional(),
  limit: decimalNumber((n) => n.int().min(1).max(500)).default(100),
});
export type ListAuditInput = z.input<typeof listAuditInputSchema>;

export type AuditList = { entries: AuditLogRow[]; nextBefore: number | null };

/** Throws 403 for a non-admin actor, 422 for bad filters. */
export function listAudit(actor: Actor, input: ListAuditInput = {}): AuditList {
  requireAdmin(actor, "read the audit log");
  const parsed = listAuditInputSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, "filters");
  const f = parsed.data;
  const where: SQL[] = [];
  if (f.targetType) where.push(eq(auditLog.targetType, f.targetType));
  if (f.targetId) where.push(eq(auditLog.targetId, f.targetId));
  if (f.before) where.push(lt(auditLog.id, f.before));
  const entries = getDb()
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(f.limit + 1)
    .all();
  const more = entries.length > f.limit;
  const page = entries.slice(0, f.limit);
  return { entries: page, nextBefore: more ? page[page.length - 1]!.id : null };
}
