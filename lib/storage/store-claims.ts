// Claims on stored objects, in the database (storage_claims), so that the crash clean-up works
// across machines and does not depend on process ids alone.
//
// An upload claims the content hashes it is about to store before it stores any of them, and
// releases the claim once its rows are committed (or its objects removed again). Every removal of
// an object that no images row references first checks, under the database's write lock, that no
// live upload claim holds it: a concurrent upload of the same content that found the object
// present keeps it. A claim is live until it expires (CLAIM_TTL_MS) or, sooner, until its owner
// is known to be dead: an owner on this host whose process is gone, or an earlier process of
// this host with the same pid. A claim of an owner on another machine lives until it expires.
//
// With an object store, removals are not one local unlink inside the write transaction: a sweep
// first marks the hashes it will remove (kind "delete") in the transaction that checked them, then
// removes the objects, then drops its marks. An upload waits while a hash it claims is marked, so
// it never relies on an object that is being removed.
import { randomBytes } from "node:crypto";
import os from "node:os";
import { and, eq, inArray, lte } from "drizzle-orm";
import { getDb, type DbOrTx } from "../../db/client";
import { storageClaims, type StorageClaimKind } from "../../db/schema";
import { processAlive } from "./in-flight";

/** How long a claim lives when its owner cannot be seen to die (an owner on another machine). */
export const CLAIM_TTL_MS = 6 * 60 * 60 * 1000;

/** This process: `<host>/<pid>/<random>`; the random part tells it from an earlier process with the same pid. */
const INSTANCE = randomBytes(6).toString("hex");
export function claimOwner(): string {
  return `${os.hostname()}/${process.pid}/${INSTANCE}`;
}

/** Whether a claim's owner may still be at work: unexpired and not known to be dead. */
export function ownerMayLive(owner: string, expiresAt: Date, now = Date.now()): boolean {
  if (expiresAt.getTime() <= now) return false;
  const m = /^(.*)\/(\d+)\/([0-9a-f]+)(?:\.\d+)?$/.exec(owner);
  if (!m || m[1] !== os.hostname()) return true;
  const pid = Number(m[2]);
  if (pid === process.pid) return m[3] === INSTANCE;
  return processAlive(pid);
}

const CHUNK = 500;

/** The hashes among `shas` with a live claim of `kind` (by anyone but `except`). Call under the write lock. */
export function claimedHashes(
  tx: DbOrTx,
  shas: readonly string[],
  kind: StorageClaimKind,
  opts: { except?: string; now?: number } = {},
): Set<string> {
  const out = new Set<string>();
  const unique = [...new Set(shas)];
  for (let k = 0; k < unique.length; k += CHUNK) {
    const rows = tx
      .select()
      .from(storageClaims)
      .where(and(inArray(storageClaims.sha256, unique.slice(k, k + CHUNK)), eq(storageClaims.kind, kind)))
      .all();
    for (const r of rows)
      if (r.owner !== opts.except && ownerMayLive(r.owner, r.expiresAt, opts.now)) out.add(r.sha256);
  }
  return out;
}

/** Inserts one claim per distinct sha256; answers the new rows' ids. */
function insertClaims(
  tx: DbOrTx,
  shas: readonly string[],
  kind: StorageClaimKind,
  owner: string,
  now: number,
): number[] {
  const unique = [...new Set(shas)];
  const ids: number[] = [];
  for (let k = 0; k < unique.length; k += CHUNK)
    for (const r of tx
      .insert(storageClaims)
      .values(
        unique.slice(k, k + CHUNK).map((sha256) => ({ sha256, kind, owner, expiresAt: new Date(now + CLAIM_TTL_MS) })),
      )
      .returning({ id: storageClaims.id })
      .all())
      ids.push(r.id);
  return ids;
}

function dropClaims(ids: number[]): void {
  const db = getDb();
  for (let k = 0; k < ids.length; k += CHUNK)
    db.delete(storageClaims)
      .where(inArray(storageClaims.id, ids.slice(k, k + CHUNK)))
      .run();
}

/** An upload's claim: its owner (unique per claim) and the release (idempotent). */
export type StoreClaim = { owner: string; release: () => void };

let claims = 0;

/**
 * Claims `shas` for an upload about to store them (call `release` once the rows are committed or
 * the stored objects removed again). Waits while a sweep is removing one of them.
 */
export async function claimStoreFiles(shas: readonly string[]): Promise<StoreClaim> {
  const owner = `${claimOwner()}.${++claims}`;
  const db = getDb();
  for (;;) {
    const now = Date.now();
    const ids = db.transaction(
      (tx) => {
        if (claimedHashes(tx, shas, "delete", { now }).size > 0) return undefined;
        return insertClaims(tx, shas, "upload", owner, now);
      },
      { behavior: "immediate" },
    );
    if (ids) {
      let released = false;
      return {
        owner,
        release: () => {
          if (released) return;
          released = true;
          dropClaims(ids);
        },
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Under the write lock (inside the caller's transaction): marks `shas` as being removed by `owner`; answers the marks' ids. */
export function markForRemoval(tx: DbOrTx, shas: readonly string[], owner = claimOwner(), now = Date.now()): number[] {
  if (shas.length === 0) return [];
  return insertClaims(tx, shas, "delete", owner, now);
}

/** Drops a sweep's marks once its objects are gone. */
export function unmark(ids: number[]): void {
  dropClaims(ids);
}

/** Removes claims whose owners are gone (expired, or dead on this host); answers how many. */
export function removeDeadClaims(now = Date.now()): number {
  const db = getDb();
  return db.transaction(
    (tx) => {
      const expired = tx
        .delete(storageClaims)
        .where(lte(storageClaims.expiresAt, new Date(now)))
        .run().changes;
      const rows = tx.select().from(storageClaims).all();
      const dead = rows.filter((r) => !ownerMayLive(r.owner, r.expiresAt, now)).map((r) => r.id);
      for (let k = 0; k < dead.length; k += CHUNK)
        tx.delete(storageClaims)
          .where(inArray(storageClaims.id, dead.slice(k, k + CHUNK)))
          .run();
      return expired + dead.length;
    },
    { behavior: "immediate" },
  );
}
