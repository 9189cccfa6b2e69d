import { check, createdAt, index, integer, oneOf, table, text, timestamp } from "./column-helpers";

/** upload: an upload is about to give rows to these objects; delete: a sweep is removing them (lib/storage/store-claims.ts). */
export const STORAGE_CLAIM_KINDS = ["upload", "delete"] as const;
export type StorageClaimKind = (typeof STORAGE_CLAIM_KINDS)[number];

/**
 * Claims on stored objects by content hash, with an owner and an expiry, so that the crash
 * clean-up works across machines: an object no images row references is removed only when no
 * live upload claim holds it. An owner that dies leaves its claims to expire.
 */
export const storageClaims = table(
  "storage_claims",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sha256: text("sha256").notNull(),
    kind: text("kind", { enum: STORAGE_CLAIM_KINDS }).notNull(),
    /** `<host>/<pid>/<random per process>`: lib/storage/store-claims.ts tells a dead owner on this host at once. */
    owner: text("owner").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("storage_claims_sha256_idx").on(t.sha256),
    index("storage_claims_owner_idx").on(t.owner),
    check("storage_claims_kind_ck", oneOf(t.kind, STORAGE_CLAIM_KINDS)),
  ],
);

export type StorageClaimRow = typeof storageClaims.$inferSelect;
