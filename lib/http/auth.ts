// Writes need an API key: `Authorization: Bearer t2i_…` (made with `npm run apikey -- create`).
import { verifyApiKey, type ApiKeyInfo } from "../auth/api-keys";
import { AppError } from "../errors";

export function requireApiKey(req: Request): ApiKeyInfo {
  const header = req.headers.get("authorization") ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  const challenge = { "WWW-Authenticate": 'Bearer realm="t2i-eval"' };
  if (!m) {
    throw new AppError("unauthorized", "this endpoint needs an API key: send Authorization: Bearer <key> (create one with npm run apikey -- create --name NAME)", undefined, challenge);
  }
  const key = verifyApiKey(m[1]!);
  if (!key) throw new AppError("unauthorized", "unknown or revoked API key", undefined, challenge);
  return key;
}
