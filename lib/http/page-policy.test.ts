// proxy.ts: pages that rank are rate-limited per address like the API; every page gets a CSP
// with a fresh nonce.
import { NextRequest } from "next/server";
import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { afterEach, describe, expect, it } from "vitest";
import { config as proxyConfig, proxy } from "../../proxy";
import { resetConfigForTests } from "../core/config";
import { contentSecurityPolicy, isComputedPage, isRankingPage } from "./page-policy";
import { PREFETCH_LIMIT_FACTOR, resetRateLimitsForTests } from "./rate-limit";

const view = (path: string, claim = "6.6.6.6") =>
  new NextRequest(`http://localhost${path}`, { headers: { "x-forwarded-for": `${claim}, 10.1.1.1` } });

afterEach(() => {
  delete process.env.T2I_RATE_LIMIT_READS_PER_MIN;
  resetConfigForTests();
  resetRateLimitsForTests();
});

describe("page policy", () => {
  it("names the ranking pages", () => {
    expect(["/", "/compare", "/variants/sd15", "/variants/sd15/"].every(isRankingPage)).toBe(true);
    expect(["/upload", "/runs/run_1", "/docs/api", "/variants/a/b"].some(isRankingPage)).toBe(false);
  });

  it("limits ranking page views per address (rotating X-Forwarded-For does not help), not other pages", async () => {
    process.env.T2I_RATE_LIMIT_READS_PER_MIN = "2";
    resetConfigForTests();
    expect(proxy(view("/", "1.1.1.1")).status).toBe(200);
    expect(proxy(view("/compare", "2.2.2.2")).status).toBe(200);
    const refused = proxy(view("/variants/x", "3.3.3.3"));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect(proxy(view("/upload")).status).toBe(200);
  });

  it("gives each response its own script nonce, and forbids framing", () => {
    const a = proxy(view("/upload")).headers.get("content-security-policy")!;
    const b = proxy(view("/upload")).headers.get("content-security-policy")!;
    expect(a).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
    expect(a).not.toBe(b);
    expect(a).toContain("frame-ancestors 'none'");
    expect(contentSecurityPolicy("n")).not.toContain("unsafe-eval");
    expect(contentSecurityPolicy("n", true)).toContain("'unsafe-eval'");
  });
});

describe("which requests the proxy sees", () => {
  const matches = (url: string, headers: Record<string, string> = {}) =>
    unstable_doesMiddlewareMatch({ config: proxyConfig, url, headers });

  it("prefetches of a page get the same proxy as views (limit and CSP)", () => {
    // Before: `missing` headers let prefetches skip the proxy: no page limit, no CSP.
    expect(matches("/runs/run_1", { "next-router-prefetch": "1" })).toBe(true);
    expect(matches("/", { purpose: "prefetch" })).toBe(true);
    expect(matches("/variants/x")).toBe(true);
    expect(matches("/api/v1/health")).toBe(false);
    expect(matches("/_next/static/chunks/a.js")).toBe(false);
  });

  it("every page that computes something counts against the page limit; static forms and documents do not", () => {
    expect(
      [
        "/runs/run_1",
        "/prompts/p",
        "/variants/v/prompts/p",
        "/reference-sets",
        "/reference-sets/r",
        "/generations/g",
      ].every(isComputedPage),
    ).toBe(true);
    expect(["/upload", "/reference-sets/upload", "/docs/api", "/about/ranking/"].some(isComputedPage)).toBe(false);
    process.env.T2I_RATE_LIMIT_READS_PER_MIN = "1";
    resetConfigForTests();
    // A plain request that calls itself a prefetch is a page view.
    const fake = new NextRequest("http://localhost/runs/run_1", {
      headers: { "x-forwarded-for": "9.9.9.9", "next-router-prefetch": "1" },
    });
    expect(proxy(fake).status).toBe(200);
    expect(proxy(fake).status).toBe(429);
    expect(proxy(fake).headers.get("retry-after")).toMatch(/^\d+$/);
    // The router's own prefetches (RSC) get their own, wider window, and a CSP.
    const router = () =>
      new NextRequest("http://localhost/runs/run_1", {
        headers: { "x-forwarded-for": "8.8.8.8", "next-router-prefetch": "1", rsc: "1" },
      });
    for (let i = 0; i < PREFETCH_LIMIT_FACTOR; i++) {
      const r = proxy(router());
      expect(r.status).toBe(200);
      expect(r.headers.get("content-security-policy")).toMatch(/nonce-/);
    }
    expect(proxy(router()).status).toBe(429);
  });
});
