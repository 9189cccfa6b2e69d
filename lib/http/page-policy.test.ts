// proxy.ts: pages that rank are rate-limited per address like the API; every page gets a CSP
// with a fresh nonce.
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { proxy } from "../../proxy";
import { resetConfigForTests } from "../core/config";
import { contentSecurityPolicy, isRankingPage } from "./page-policy";
import { resetRateLimitsForTests } from "./rate-limit";

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
