// Every API route answers every method in the error shape: implemented, or a 405 with Allow.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { API_METHODS, methodsNotAllowed } from "./method-not-allowed";

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === "route.ts" ? [p] : [];
  });
}

describe("API routes and methods", () => {
  const files = routeFiles(path.resolve("app/api"));

  it("every route file exports a handler for every method (its own or a 405)", () => {
    expect(files.length).toBeGreaterThan(15);
    for (const f of files) {
      const src = fs.readFileSync(f, "utf8");
      const own = [...src.matchAll(/^export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/gm)].map(
        (m) => m[1],
      );
      // Destructured from a helper that returns every method: methodsNotAllowed (405s) or visibilityRoute (POST + 405s).
      const refused =
        /^export const \{ ([A-Z, ]+) \} = (?:methodsNotAllowed|visibilityRoute)\(/m.exec(src)?.[1]?.split(/,\s*/) ?? [];
      expect([...own, ...refused].sort(), path.relative(process.cwd(), f)).toEqual([...API_METHODS].sort());
    }
  });

  it("a wrong method gets 405, Allow and the error shape", async () => {
    const { DELETE } = methodsNotAllowed("GET", "POST");
    const res = DELETE(new Request("http://x/api/v1/runs", { method: "DELETE" }));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST, HEAD, OPTIONS");
    expect(await res.json()).toEqual({
      error: {
        code: "method_not_allowed",
        message: expect.stringContaining("DELETE is not allowed on /api/v1/runs"),
        details: { allow: ["GET", "POST", "HEAD", "OPTIONS"] },
      },
    });
    expect(methodsNotAllowed("PUT").GET(new Request("http://x/a")).headers.get("allow")).toBe("PUT, OPTIONS");
  });
});
