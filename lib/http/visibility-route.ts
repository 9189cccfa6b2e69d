// The hide / unhide endpoints of runs and variants share one shape: an API key, a write rate-limit
// slot, then the entity's set-hidden verb (owner-or-admin and the audit entry live in the verb).
import { hideJsonSchema } from "./schemas";
import type { Actor } from "../auth/authorize-mutation";
import { requireApiKey } from "./auth";
import { methodsNotAllowed } from "./method-not-allowed";
import { rateLimit } from "./rate-limit";
import { readJson, route } from "./respond";

type SetHidden = (id: string, actor: Actor, change: { hidden: true; reason: string } | { hidden: false }) => unknown;

/**
 * Every method of `POST /…/{id}/hide` (`hidden` true: body `{reason}`, validated by hideJsonSchema)
 * or `/…/{id}/unhide` (`hidden` false: no body): POST answers 200 with the verb's result (the entity's hidden state),
 * the other methods 405. Errors: 401 without a key, 429 over the write limit, 400 bad body, and
 * whatever the verb throws (404 unknown id, 403 not owner or admin).
 * Usage: `export const { GET, POST, PUT, PATCH, DELETE } = visibilityRoute(setRunHidden, true);`
 */
export function visibilityRoute(setHidden: SetHidden, hidden: boolean) {
  const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
    const key = requireApiKey(req);
    rateLimit(req, "write", key.id);
    const id = (await params).id;
    if (!hidden) return Response.json(setHidden(id, key, { hidden: false }));
    const { reason } = hideJsonSchema.parse(await readJson(req));
    return Response.json(setHidden(id, key, { hidden: true, reason }));
  });
  return { ...methodsNotAllowed("POST"), POST };
}
