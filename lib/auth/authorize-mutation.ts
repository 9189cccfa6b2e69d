// Who may change what: the one rule every mutating route applies (runs, variants, generations,
// and the rescore/retry verbs). An admin key may change anything; a submitter key only what it
// created. Rows without an owner (demo data, rows older than ownership) belong to admins only.
// Authentication itself (401 without a valid key) is lib/http/auth.ts's requireApiKey.
import type { ApiKeyRole } from "../../db/schema";
import { AppError } from "../core/errors";

/** The key making a request, as lib/http/auth.ts's requireApiKey returns it. */
export type Actor = { id: string; name: string; role: ApiKeyRole };

export type MutationTarget = {
  /** e.g. "run", "variant", "generation": used in the message. */
  kind: string;
  id: string;
  /** The API key that created the target; null for demo and older rows. */
  ownerKeyId: string | null;
};

export function isAdmin(actor: Actor): boolean {
  return actor.role === "admin";
}

/**
 * Throws AppError 403 (`forbidden`, with details {reason, role, ownerKeyId}) unless `actor` is an
 * admin or created `target`. `verb` names the attempted change ("delete", "hide", "cancel").
 */
export function authorizeMutation(actor: Actor, target: MutationTarget, verb: string): void {
  if (isAdmin(actor) || (target.ownerKeyId !== null && target.ownerKeyId === actor.id)) return;
  const reason = target.ownerKeyId === null ? "no_owner" : "not_owner";
  const why =
    reason === "no_owner"
      ? `it has no owner (demo data or made before ownership was recorded), so only an admin key may`
      : `it was created by another API key; only that key or an admin key may`;
  throw new AppError(
    "forbidden",
    `API key "${actor.name}" (role ${actor.role}) may not ${verb} ${target.kind} ${target.id}: ${why}`,
    {
      reason,
      role: actor.role,
      ownerKeyId: target.ownerKeyId,
    },
  );
}

/**
 * Removing a run (delete, hide): its uploader, an admin, or the owner of its variant, who can
 * always remove runs other keys added to it (the variant was open to them). Throws 403 as
 * authorizeMutation otherwise.
 */
export function authorizeRunRemoval(
  actor: Actor,
  run: { id: string; ownerKeyId: string | null; variantOwnerKeyId: string | null },
  verb: string,
): void {
  if (run.variantOwnerKeyId !== null && run.variantOwnerKeyId === actor.id) return;
  authorizeMutation(actor, { kind: "run", id: run.id, ownerKeyId: run.ownerKeyId }, verb);
}

/** Throws AppError 403 unless `actor` is an admin key; `what` names the guarded thing ("read the audit log"). */
export function requireAdmin(actor: Actor, what: string): void {
  if (isAdmin(actor)) return;
  throw new AppError(
    "forbidden",
    `API key "${actor.name}" (role ${actor.role}) may not ${what}: that needs an admin key (npm run apikey -- create --name NAME on the server)`,
    {
      reason: "admin_only",
      role: actor.role,
    },
  );
}
