// Worker tokens: what GPU generation workers authenticate with (docs/reference/worker-protocol.md).
// Made and stored like API keys (lib/auth/api-keys.ts): the secret (`t2iw_` + 32 random bytes,
// base64url) is shown once at creation and only its SHA-256 is kept. A token's id owns the
// leases of the tasks its worker claims.
import { randomBytes } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { newId } from "../../db/ids";
import { workerTokens, type WorkerTokenRow } from "../../db/schema";
import { AppError, validationError } from "../core/errors";
import { apiKeyNameSchema, hashSecret } from "./api-keys";

export const WORKER_TOKEN_PREFIX = "t2iw_";
/** Characters of the secret kept in `prefix` to tell tokens apart (the tag plus 8 random ones). */
const SHOWN_CHARS = WORKER_TOKEN_PREFIX.length + 8;
// Workers poll every few seconds; refreshing last_seen_at on each call would turn reads into writes.
const LAST_SEEN_RESOLUTION_MS = 30_000;

/** The stored form of a token: without the hash. */
export type WorkerTokenInfo = Omit<WorkerTokenRow, "tokenHash">;

function info({ tokenHash: _hash, ...rest }: WorkerTokenRow): WorkerTokenInfo {
  return rest;
}

/** Creates a token; `secret` is returned only here. */
export function createWorkerToken(name: string): WorkerTokenInfo & { secret: string } {
  const parsed = apiKeyNameSchema.safeParse(name);
  if (!parsed.success) throw validationError(parsed.error, "worker token name");
  const secret = WORKER_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const row = getDb()
    .insert(workerTokens)
    .values({
      id: newId("wtk"),
      name: parsed.data,
      tokenHash: hashSecret(secret),
      prefix: secret.slice(0, SHOWN_CHARS),
    })
    .returning()
    .get();
  return { ...info(row), secret };
}

/** The token a request presents, if it exists and is not revoked; records that its worker was seen. */
export function verifyWorkerToken(secret: string, now = Date.now()): WorkerTokenInfo | undefined {
  if (typeof secret !== "string" || !secret.startsWith(WORKER_TOKEN_PREFIX) || secret.length > 200) return undefined;
  const db = getDb();
  const row = db
    .select()
    .from(workerTokens)
    .where(eq(workerTokens.tokenHash, hashSecret(secret)))
    .get();
  if (!row || row.revokedAt) return undefined;
  if (!row.lastSeenAt || now - row.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    db.update(workerTokens)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(workerTokens.id, row.id))
      .run();
    row.lastSeenAt = new Date(now);
  }
  return info(row);
}

/** Remembers the variants a worker declared in a claim (shown by `npm run worker-token -- list`). */
export function recordDeclaredVariants(token: WorkerTokenInfo, declared: readonly string[]): void {
  const list = [...new Set(declared)].sort();
  if (JSON.stringify(list) === JSON.stringify(token.variants)) return;
  getDb().update(workerTokens).set({ variants: list }).where(eq(workerTokens.id, token.id)).run();
}

export function listWorkerTokens(): WorkerTokenInfo[] {
  return getDb()
    .select()
    .from(workerTokens)
    .orderBy(desc(workerTokens.createdAt), desc(workerTokens.id))
    .all()
    .map(info);
}

/** Revokes a token by id (idempotent); throws 404 for an unknown id. Its leases run out and its tasks go back to the queue. */
export function revokeWorkerToken(id: string): WorkerTokenInfo {
  const db = getDb();
  const row = db.select().from(workerTokens).where(eq(workerTokens.id, id)).get();
  if (!row) throw new AppError("not_found", `no worker token with id "${id}"`);
  if (row.revokedAt) return info(row);
  return info(db.update(workerTokens).set({ revokedAt: new Date() }).where(eq(workerTokens.id, id)).returning().get());
}
