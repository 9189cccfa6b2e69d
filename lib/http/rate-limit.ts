// Fixed-window rate limits per API key and per client address, in memory (one server
// process). A refusal is a 429 with Retry-After in seconds.
import { config } from "../config";
import { AppError } from "../errors";

type Window = { start: number; count: number };
const windows = new Map<string, Window>();
const WINDOW_MS = 60_000;

export function clientAddress(req: Request): string {
  // Behind a proxy the first X-Forwarded-For hop is the client; direct requests have none.
  const fwd = req.headers.get("x-forwarded-for");
  return fwd?.split(",")[0]?.trim() || req.headers.get("x-real-ip") || "local";
}

function hit(key: string, limit: number, now: number): void {
  let w = windows.get(key);
  if (!w || now - w.start >= WINDOW_MS) {
    w = { start: now, count: 0 };
    windows.set(key, w);
  }
  w.count++;
  if (w.count > limit) {
    const retry = Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000));
    throw new AppError("rate_limited", `too many requests: limit is ${limit} per minute; retry in ${retry} s`, { limit, windowSeconds: 60 }, {
      "Retry-After": String(retry),
    });
  }
  if (windows.size > 50_000) {
    for (const [k, v] of windows) if (now - v.start >= WINDOW_MS) windows.delete(k);
  }
}

/** Counts one request; `kind` picks the limit (writes are scarcer than reads). */
export function rateLimit(req: Request, kind: "read" | "write", apiKeyId?: string, now = Date.now()): void {
  const cfg = config();
  const limit = kind === "write" ? cfg.rateLimitWritesPerMinute : cfg.rateLimitReadsPerMinute;
  if (limit <= 0) return;
  hit(`${kind}:addr:${clientAddress(req)}`, limit, now);
  if (apiKeyId) hit(`${kind}:key:${apiKeyId}`, limit, now);
}

export function resetRateLimitsForTests(): void {
  windows.clear();
}
