// Fixed-window rate limits per API key and per client address, in memory (one server
// process). A refusal is a 429 with Retry-After in seconds.
import { config } from "../core/config";
import { AppError } from "../core/errors";

type Window = { start: number; count: number };
const windows = new Map<string, Window>();
const WINDOW_MS = 60_000;

/**
 * The client's address for per-address limits. server/next-server.mjs appends the socket's peer
 * to X-Forwarded-For, so the chain's last entry is the peer; each of T2I_TRUSTED_PROXY_HOPS
 * (default 0) trusted reverse proxies in front appended one more, so the client is the entry that
 * many places from the right. Entries further left are the client's own claims and are ignored:
 * rotating them does not buy more requests. "local" when the chain is empty (no front server).
 */
export function clientAddress(req: Request, trustedHops = config().trustedProxyHops): string {
  const chain = (req.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (chain.length === 0) return "local";
  return chain[Math.max(0, chain.length - 1 - trustedHops)]!;
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
    throw new AppError(
      "rate_limited",
      `too many requests: limit is ${limit} per minute; retry in ${retry} s`,
      { limit, windowSeconds: 60 },
      {
        "Retry-After": String(retry),
      },
    );
  }
  if (windows.size > 50_000) {
    for (const [k, v] of windows) if (now - v.start >= WINDOW_MS) windows.delete(k);
  }
}

/** A browser prefetches every link it shows: its router's prefetches get this many times the read limit. */
export const PREFETCH_LIMIT_FACTOR = 5;

/**
 * Counts one request; `kind` picks the limit (writes are scarcer than reads; "page" is a page
 * view that computes something, counted against the read limit in its own window; "prefetch" is
 * the browser router's prefetch of a page, PREFETCH_LIMIT_FACTOR × the read limit in its own).
 */
export function rateLimit(
  req: Request,
  kind: "read" | "write" | "page" | "prefetch",
  apiKeyId?: string,
  now = Date.now(),
): void {
  const cfg = config();
  const limit =
    kind === "write"
      ? cfg.rateLimitWritesPerMinute
      : kind === "prefetch"
        ? cfg.rateLimitReadsPerMinute * PREFETCH_LIMIT_FACTOR
        : cfg.rateLimitReadsPerMinute;
  if (limit <= 0) return;
  hit(`${kind}:addr:${clientAddress(req)}`, limit, now);
  if (apiKeyId) hit(`${kind}:key:${apiKeyId}`, limit, now);
}

export function resetRateLimitsForTests(): void {
  windows.clear();
}
