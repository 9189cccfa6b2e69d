// Writes need an API key: `Authorization: Bearer t2i_…` (made with `npm run apikey -- create`).
// The generation worker routes need a worker token instead: `Bearer t2iw_…` (`npm run worker-token -- create`).
import { verifyApiKey, type ApiKeyInfo } from "../auth/api-keys";
import { verifyWorkerToken, WORKER_TOKEN_PREFIX, type WorkerTokenInfo } from "../auth/worker-tokens";
import { AppError } from "../core/errors";

const challenge = { "WWW-Authenticate": 'Bearer realm="t2i-eval"' };

function bearer(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec((req.headers.get("authorization") ?? "").trim());
  return m?.[1];
}

export function requireApiKey(req: Request): ApiKeyInfo {
  const secret = bearer(req);
  if (!secret) {
    throw new AppError(
      "unauthorized",
      "this endpoint needs an API key: send Authorization: Bearer <key> (create one with npm run apikey -- create --name NAME)",
      undefined,
      challenge,
    );
  }
  const key = verifyApiKey(secret);
  if (!key) throw new AppError("unauthorized", "unknown or revoked API key", undefined, challenge);
  return key;
}

export function requireWorkerToken(req: Request): WorkerTokenInfo {
  const secret = bearer(req);
  if (!secret) {
    throw new AppError(
      "unauthorized",
      "this endpoint needs a worker token: send Authorization: Bearer t2iw_… (create one with npm run worker-token -- create --name NAME)",
      undefined,
      challenge,
    );
  }
  const token = verifyWorkerToken(secret);
  if (token) return token;
  const hint = secret.startsWith(WORKER_TOKEN_PREFIX)
    ? ""
    : ` (worker tokens start with ${WORKER_TOKEN_PREFIX}; API keys are not accepted here)`;
  throw new AppError("unauthorized", `unknown or revoked worker token${hint}`, undefined, challenge);
}
