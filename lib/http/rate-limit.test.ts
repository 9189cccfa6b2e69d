import { afterEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "../core/config";
import { AppError } from "../core/errors";
import { clientAddress, rateLimit, resetRateLimitsForTests } from "./rate-limit";

const req = (ip: string) => new Request("http://localhost/api/v1/runs", { headers: { "x-forwarded-for": ip } });

function refusal(fn: () => void): AppError {
  try {
    fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error("expected a 429");
}

describe("rateLimit", () => {
  afterEach(() => {
    delete process.env.T2I_RATE_LIMIT_WRITES_PER_MIN;
    delete process.env.T2I_TRUSTED_PROXY_HOPS;
    resetConfigForTests();
    resetRateLimitsForTests();
  });

  it("answers 429 with Retry-After past the per-address limit, per minute window", () => {
    process.env.T2I_RATE_LIMIT_WRITES_PER_MIN = "3";
    resetConfigForTests();
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) rateLimit(req("10.0.0.1"), "write", undefined, t0 + i);
    const e = refusal(() => rateLimit(req("10.0.0.1"), "write", undefined, t0 + 10_000));
    expect(e.status).toBe(429);
    expect(e.code).toBe("rate_limited");
    expect(e.headers?.["Retry-After"]).toBe("50");
    rateLimit(req("10.0.0.2"), "write", undefined, t0 + 10_000); // another address has its own budget
    rateLimit(req("10.0.0.1"), "write", undefined, t0 + 60_001); // a new window
  });

  it("limits per API key across addresses, and reads separately from writes", () => {
    process.env.T2I_RATE_LIMIT_WRITES_PER_MIN = "2";
    resetConfigForTests();
    rateLimit(req("1.1.1.1"), "write", "key_a", 0);
    rateLimit(req("2.2.2.2"), "write", "key_a", 1);
    expect(refusal(() => rateLimit(req("3.3.3.3"), "write", "key_a", 2)).status).toBe(429);
    for (let i = 0; i < 10; i++) rateLimit(req("3.3.3.3"), "read", "key_a", 3);
  });

  it("a client that rotates X-Forwarded-For stays one address: only the trusted hops count", () => {
    process.env.T2I_RATE_LIMIT_WRITES_PER_MIN = "2";
    resetConfigForTests();
    // What server/next-server.mjs hands on: the client's own claim, then the socket peer 10.9.9.9.
    const spoofed = (claim: string) => req(`${claim}, 10.9.9.9`);
    rateLimit(spoofed("1.1.1.1"), "write", undefined, 0);
    rateLimit(spoofed("2.2.2.2"), "write", undefined, 0);
    expect(refusal(() => rateLimit(spoofed("3.3.3.3"), "write", undefined, 0)).status).toBe(429);

    expect(clientAddress(req("6.6.6.6, 1.2.3.4, 10.0.0.7"), 0)).toBe("10.0.0.7");
    expect(clientAddress(req("6.6.6.6, 1.2.3.4, 10.0.0.7"), 1)).toBe("1.2.3.4"); // one proxy (10.0.0.7) appended the client 1.2.3.4
    expect(clientAddress(req("1.2.3.4, 10.0.0.7"), 5)).toBe("1.2.3.4"); // fewer hops than configured: the leftmost
    expect(clientAddress(new Request("http://localhost/"), 0)).toBe("local");
    process.env.T2I_TRUSTED_PROXY_HOPS = "1";
    resetConfigForTests();
    expect(clientAddress(req("6.6.6.6, 1.2.3.4, 10.0.0.7"))).toBe("1.2.3.4");
  });
});
