// API keys. The secret (`t2i_` + 32 random bytes, base64url) is shown once at creation; only
// its SHA-256 is stored. Verification hashes the presented secret and looks the hash up through
// a unique index, so no secret is ever compared character by character.
import { createHash, randomBytes } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { newId } from "../../db/ids";
import { apiKeyRoleSchema, apiKeys, type ApiKeyRole, type ApiKeyRow } from "../../db/schema";
import { AppError, validationError } from "../core/errors";

export const API_KEY_PREFIX = "t2i_";
/** Characters of the secret kept in `prefix` to tell keys apart (the tag plus 8 random ones). */
const SHOWN_CHARS = API_KEY_PREFIX.length + 8;
// Refreshing last_used_at on every request would turn each read into a write.
const LAST_USED_RESOLUTION_MS = 60_000;

export const apiKeyNameSchema = z.string().trim().min(1, "name is empty").max(100);

/** The stored form of a key: without the hash. */
export type ApiKeyInfo = Omit<ApiKeyRow, "keyHash">;

/** SHA-256 hex of a secret: what is stored and looked up (worker tokens too). */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

function info({ keyHash: _hash, ...rest }: ApiKeyRow): ApiKeyInfo {
  return rest;
}

/**
 * Creates a key; `secret` is returned only here. `role` defaults to admin: keys are made with the
 * CLI on the server, by whoever runs it; hand out `submitter` keys to people who should only
 * change what they upload themselves. Throws 422 for an empty name or an unknown role.
 */
export function createApiKey(name: string, role: ApiKeyRole = "admin"): ApiKeyInfo & { secret: string } {
  const parsed = apiKeyNameSchema.safeParse(name);
  if (!parsed.success) throw validationError(parsed.error, "API key name");
  const parsedRole = apiKeyRoleSchema.safeParse(role);
  if (!parsedRole.success)
    throw new AppError("validation_failed", `unknown role "${role}": use ${apiKeyRoleSchema.options.join(" or ")}`);
  const secret = API_KEY_PREFIX + randomBytes(32).toString("base64url");
  const row = getDb()
    .insert(apiKeys)
    .values({
      id: newId("key"),
      name: parsed.data,
      role: parsedRole.data,
      keyHash: hashSecret(secret),
      prefix: secret.slice(0, SHOWN_CHARS),
    })
    .returning()
    .get();
  return { ...info(row), secret };
}

/** The key a request presents, if it exists and is not revoked; records its use. */
export function verifyApiKey(secret: string): ApiKeyInfo | undefined {
  if (typeof secret !== "string" || !secret.startsWith(API_KEY_PREFIX) || secret.length > 200) return undefined;
  const db = getDb();
  const row = db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, hashSecret(secret)))
    .get();
  if (!row || row.revokedAt) return undefined;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    db.update(apiKeys)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(apiKeys.id, row.id))
      .run();
    row.lastUsedAt = new Date(now);
  }
  return info(row);
}

export function listApiKeys(): ApiKeyInfo[] {
  return getDb().select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).all().map(info);
}

/** Revokes a key by id (idempotent); throws 404 for an unknown id. */
export function revokeApiKey(id: string): ApiKeyInfo {
  const db = getDb();
  const row = db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
  if (!row) throw new AppError("not_found", `no API key with id "${id}"`);
  if (row.revokedAt) return info(row);
  return info(db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id)).returning().get());
}
