// Response policy for pages: which ones compute something from the database (rate-limited like
// the API), which of those rank variants (served from server/page-cache.mjs's HTML cache), and the
// Content-Security-Policy they are served with (proxy.ts); next.config.js adds the static headers.

/** Pages whose render ranks variants: the leaderboard, a variant's page, the comparison. */
export function isRankingPage(pathname: string): boolean {
  return pathname === "/" || pathname === "/compare" || /^\/variants\/[^/]+\/?$/.test(pathname);
}

/** Pages that render the same for everyone without reading the database: not rate-limited. */
const STATIC_PAGES = new Set(["/upload", "/reference-sets/upload", "/docs/api", "/about/ranking"]);

/**
 * Pages whose render reads and computes from the database (every page but the static forms and
 * documents, and Next.js's own assets): each view counts against the per-address page limit.
 */
export function isComputedPage(pathname: string): boolean {
  const p = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return !STATIC_PAGES.has(p) && !p.startsWith("/_next/") && !p.startsWith("/api/");
}

/**
 * The CSP for one page response. Scripts: same origin plus Next.js's inline scripts carrying
 * `nonce` ('strict-dynamic' lets them load their chunks); styles allow inline style attributes
 * (React and the charts set them); no plugins, no framing (frame-ancestors 'none'), forms and
 * base URL same-origin only. `dev` adds 'unsafe-eval', which React's dev build needs.
 */
export function contentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Request header proxy.ts sets to the page's path, for 404 pages that must say which part of it was not found. */
export const PAGE_PATH_HEADER = "x-t2i-page-path";
