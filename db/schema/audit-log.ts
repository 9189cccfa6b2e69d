import { createdAt, index, integer, table, text } from "./column-helpers";

/**
 * Every mutation of runs and variants (lib/audit/record-audit.ts): who (the key's id and its
 * name at the time, kept when the key is revoked), what (verb, target, details), when. Rows
 * outlive their targets, so there is no foreign key.
 */
export const auditLog = table(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    apiKeyId: text("api_key_id"),
    apiKeyName: text("api_key_name"),
    /** e.g. run.delete, run.hide, variant.update. */
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_log_created_at_idx").on(t.createdAt),
    index("audit_log_target_idx").on(t.targetType, t.targetId),
  ],
);

export type AuditLogRow = typeof auditLog.$inferSelect;
export type NewAuditLogRow = typeof auditLog.$inferInsert;
