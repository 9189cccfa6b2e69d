// Response policy for pages: which ones compute rankings (rate-limited like the API) and the
// Content-Security-Policy they are served with (proxy.ts); next.config.js adds the static headers.

/** Pages whose render ranks variants: the leaderboard, a variant's page, the comparison. */
export function isRankingPage(pathname: string): boolean {
  return pathname === "/" || pathname === "/compare" || /^\/variants\/[^/]+\/?$/.test(pathname);
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
