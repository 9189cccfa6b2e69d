// The rendered-HTML cache of the ranking pages (/, /variants/{id}, /compare), used by
// server/next-server.mjs so that a page view of an unchanged board is a lookup, not a render.
//
// Key: the full request URL plus the "page version" the app publishes on globalThis
// (lib/leaderboard/page-version.ts: SQLite's data_version, which moves on every commit by any
// connection or process, plus the board store's generation, which moves whenever a computed
// board is installed). Any write to the database therefore misses: a deliberately coarse rule
// that can serve nothing stale, at the price of misses while runs are being scored.
//
// CSP: each page is rendered with a nonce (proxy.ts) that its inline scripts carry. A cached
// page is stored with that nonce and served with a fresh one swapped in, in the body and in the
// Content-Security-Policy header, so no two responses share a nonce. A page is only stored when
// its version was the same before and after its render (a board computed meanwhile → not
// stored), and only a plain 200 text/html answer without Set-Cookie to a request without
// cookies or credentials.
import { randomUUID } from "node:crypto";

/** The app's hooks (registered when the app's modules load; absent before the first render). */
export const PAGE_VERSION_KEY = Symbol.for("t2i-eval.rankingPageVersion");
export const PAGE_GATE_KEY = Symbol.for("t2i-eval.rankingPageGate");

/** Total body bytes kept (least recently used dropped first). */
export const PAGE_CACHE_MAX_BYTES = 64 * 1024 * 1024;
/** Pages kept at most. */
export const PAGE_CACHE_MAX_ENTRIES = 2000;

/** Paths whose HTML is cached: the pages that rank variants (the same list as lib/http/page-policy.ts). */
export function isCachedPagePath(pathname) {
  return pathname === "/" || pathname === "/compare" || /^\/variants\/[^/]+\/?$/.test(pathname);
}

/** Whether a request may be answered from, and stored into, the cache. */
export function cacheableRequest(req) {
  if (req.method !== "GET") return false;
  const h = req.headers;
  // Personalised or partial (React Server Component, prefetch) requests go to Next.js.
  if (
    h.cookie ||
    h.authorization ||
    h.rsc ||
    h["next-router-state-tree"] ||
    h["next-router-prefetch"] ||
    h.purpose === "prefetch" ||
    h["next-action"]
  )
    return false;
  const pathname = (req.url ?? "/").split("?")[0];
  return isCachedPagePath(pathname) && !/[?&]_rsc=/.test(req.url ?? "");
}

/** A fresh CSP nonce, shaped like proxy.ts's. */
export function freshNonce() {
  return Buffer.from(randomUUID()).toString("base64");
}

/** The script nonce named in a Content-Security-Policy header, or undefined. */
export function nonceOf(csp) {
  return /'nonce-([A-Za-z0-9+/=]+)'/.exec(String(csp ?? ""))?.[1];
}

/** A least-recently-used map of pages bounded by total body bytes and by entry count. */
export class PageCache {
  constructor(maxBytes = PAGE_CACHE_MAX_BYTES, maxEntries = PAGE_CACHE_MAX_ENTRIES) {
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
    this.bytes = 0;
    this.map = new Map();
    this.hits = 0;
    this.misses = 0;
  }

  key(url, version) {
    return `${version}\u0000${url}`;
  }

  get(url, version) {
    const k = this.key(url, version);
    const e = this.map.get(k);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.map.delete(k);
    this.map.set(k, e);
    this.hits++;
    return e;
  }

  /**
   * Stores `{status, headers, body: string, nonce}` as its body's bytes split at the nonce (what
   * withNonce sends); a page larger than the whole budget is not kept.
   */
  set(url, version, { body, ...page }) {
    const k = this.key(url, version);
    const parts = body.split(page.nonce).map((part) => Buffer.from(part));
    const size = parts.reduce((n, part) => n + part.length, 0);
    if (size > this.maxBytes) return;
    page = { ...page, parts };
    const old = this.map.get(k);
    if (old) {
      this.bytes -= old.size;
      this.map.delete(k);
    }
    this.map.set(k, { ...page, size });
    this.bytes += size;
    while (this.bytes > this.maxBytes || this.map.size > this.maxEntries) {
      const [oldest, e] = this.map.entries().next().value;
      this.map.delete(oldest);
      this.bytes -= e.size;
    }
  }

  get size() {
    return this.map.size;
  }
}

/** Headers never replayed from a stored response. */
const HOP_HEADERS = new Set([
  "content-length",
  "date",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "set-cookie",
  "content-encoding",
]);

/**
 * A stored page ({status, headers, nonce, and parts or body}) as it is sent: every occurrence of
 * its render's nonce (script attributes, the CSP header) replaced by `nonce`. Returns {status, headers, chunks}: the body as Buffers to
 * write in order (the stored body is split at its nonce once, so a hit copies no HTML).
 */
export function withNonce(page, nonce) {
  const headers = {};
  for (const [k, v] of Object.entries(page.headers)) {
    if (HOP_HEADERS.has(k)) continue;
    headers[k] = typeof v === "string" ? v.split(page.nonce).join(nonce) : v;
  }
  const parts = page.parts ?? page.body.split(page.nonce).map((part) => Buffer.from(part));
  const n = Buffer.from(nonce);
  const chunks = [];
  let length = 0;
  parts.forEach((part, k) => {
    if (k > 0) chunks.push(n);
    chunks.push(part);
    length += part.length + (k > 0 ? n.length : 0);
  });
  headers["content-length"] = String(length);
  headers["x-page-cache"] = "hit";
  return { status: page.status, headers, chunks };
}

/** Sends what withNonce (or a refusal {status, headers, body}) returns, in one corked write. */
export function sendPage(res, out) {
  res.writeHead(out.status, out.headers);
  if (!out.chunks) return void res.end(out.body);
  res.cork();
  for (const c of out.chunks) res.write(c);
  res.end();
  res.uncork();
}

/**
 * Records what Next.js writes to `res` and calls `onDone({status, headers, body, nonce})` once it
 * ended, if it is a storable page (200, text/html, no Set-Cookie, a CSP nonce); the response
 * itself is passed through unchanged.
 */
export function captureResponse(res, onDone) {
  const chunks = [];
  let tooBig = false;
  let bytes = 0;
  const keep = (chunk, encoding) => {
    if (chunk === undefined || chunk === null || typeof chunk === "function" || tooBig) return;
    const b = Buffer.isBuffer(chunk)
      ? chunk
      : chunk instanceof Uint8Array
        ? Buffer.from(chunk)
        : Buffer.from(String(chunk), typeof encoding === "string" ? encoding : "utf8");
    bytes += b.length;
    if (bytes > PAGE_CACHE_MAX_BYTES) tooBig = true;
    else chunks.push(b);
  };
  const write = res.write;
  const end = res.end;
  res.write = function (chunk, encoding, cb) {
    keep(chunk, encoding);
    return write.call(this, chunk, encoding, cb);
  };
  res.end = function (chunk, encoding, cb) {
    keep(chunk, encoding);
    const out = end.call(this, chunk, encoding, cb);
    const headers = res.getHeaders();
    const nonce = nonceOf(headers["content-security-policy"]);
    if (
      !tooBig &&
      res.statusCode === 200 &&
      /^text\/html/.test(String(headers["content-type"] ?? "")) &&
      !headers["set-cookie"] &&
      !headers["content-encoding"] &&
      nonce
    ) {
      onDone({ status: 200, headers, body: Buffer.concat(chunks).toString("utf8"), nonce });
    }
    return out;
  };
}
