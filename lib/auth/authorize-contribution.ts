// Who may add to a variant: a run upload or a generation request on it. A variant belongs to the
// key that created it: other keys' runs and generations are refused (403) unless its owner opened
// it (`contributors: "anyone"`, PATCH /api/v1/variants/{id}); admins may always add. Demo variants
// (the seeded toy world) accept nothing from anyone through the API. Rows without an owner (made
// before ownership was recorded) take additions from admins only, unless opened.
import type { VariantContributors } from "../../db/schema";
import { AppError } from "../core/errors";
import { isAdmin, type Actor } from "./authorize-mutation";

export type ContributionTarget = {
  id: string;
  name: string;
  isDemo: boolean;
  /** The key that created the variant; null for demo and older rows. */
  apiKeyId: string | null;
  contributors: VariantContributors;
};

/** Throws AppError 403 (`forbidden`, details {reason: demo | not_owner | no_owner, ownerKeyId}) unless `actor` may add to `variant`. */
export function authorizeContribution(
  actor: Actor,
  variant: ContributionTarget,
  what: "upload runs to" | "request generations on",
): void {
  if (variant.isDemo) {
    throw new AppError(
      "forbidden",
      `variant "${variant.name}" is part of the seeded toy-world demo, which accepts no runs or generations; upload to a variant of your own`,
      { reason: "demo", variant: variant.name },
    );
  }
  if (isAdmin(actor) || variant.contributors === "anyone") return;
  if (variant.apiKeyId !== null && variant.apiKeyId === actor.id) return;
  const reason = variant.apiKeyId === null ? "no_owner" : "not_owner";
  throw new AppError(
    "forbidden",
    `API key "${actor.name}" may not ${what} variant "${variant.name}": ${
      reason === "no_owner" ? "it has no owner, so only an admin key may" : "it belongs to another API key"
    }. Its owner can open it to other keys with PATCH /api/v1/variants/${variant.id} {"contributors":"anyone"}, or use a variant name of your own`,
    { reason, variant: variant.name, ownerKeyId: variant.apiKeyId },
  );
}
