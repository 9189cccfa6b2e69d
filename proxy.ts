// Runs before every page (Next.js Proxy, Node.js runtime): a Content-Security-Policy with a fresh
// script nonce per response (Next.js reads it from the request header and puts it on its own
// scripts), and the per-address rate limit on the pages that compute rankings, like the API's.
import { NextResponse, type NextRequest } from "next/server";
import { isAppError } from "@/lib/core/errors";
import { contentSecurityPolicy, isRankingPage, PAGE_PATH_HEADER } from "@/lib/http/page-policy";
import { rateLimit } from "@/lib/http/rate-limit";
import { errorResponse } from "@/lib/http/respond";

/**
 * The per-address page limit for ranking pages answered from server/next-server.mjs's HTML cache
 * (which never reach this proxy): counted in the same window as rendered views. Resolves to the
 * 429 to send, or null to serve the page.
 */
export async function rankingPageGate(
  headers: Record<string, string | string[] | undefined>,
): Promise<{ status: number; headers: Record<string, string>; body: string } | null> {
  const forwarded = headers["x-forwarded-for"];
  const request = new Request("http://localhost/", {
    headers: { "x-forwarded-for": Array.isArray(forwarded) ? forwarded.join(", ") : (forwarded ?? "") },
  });
  try {
    rateLimit(request, "page");
    return null;
  } catch (e) {
    if (!isAppError(e)) throw e;
    const r = errorResponse(e);
    return { status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() };
  }
}
(globalThis as Record<symbol, unknown>)[Symbol.for("t2i-eval.rankingPageGate")] = rankingPageGate;

export function proxy(request: NextRequest): NextResponse | Response {
  if (isRankingPage(request.nextUrl.pathname)) {
    try {
      rateLimit(request, "page");
    } catch (e) {
      if (isAppError(e)) return errorResponse(e);
      throw e;
    }
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  // Which address a 404 page is for (not-found.tsx receives no params; app/variants/[id]/prompts/[key] needs it).
  requestHeaders.set(PAGE_PATH_HEADER, request.nextUrl.pathname);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  // Pages only: not the API (JSON needs no CSP), static assets or prefetches.
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
