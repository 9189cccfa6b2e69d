import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENTRY_POINTS } from "../../lib/core/entry-points";

// A stand-in service that knows one variant, "sd15"; the worker must refuse to start for others.
let server: http.Server;
let url: string;
const claims: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/api/v1/variants/sd15")
      return void res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ id: "var_1", name: "sd15" }));
    if (req.url?.startsWith("/api/v1/variants/"))
      return void res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { code: "not_found", message: "no variant" } }));
    if (req.url === "/api/v1/worker/claim") claims.push(req.url);
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function gpuWorker(...variants: string[]): Promise<{ code: number | null; stderr: string }> {
  const args = [
    "--import",
    "tsx",
    ENTRY_POINTS.gpuWorker,
    "--server",
    url,
    "--token",
    "t2iw_test",
    "--engine",
    "command",
    "--command",
    "true",
    "--once",
    "--poll-seconds",
    "0",
  ];
  for (const v of variants) args.push("--variant", v);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}

describe("npm run gpu-worker", () => {
  it("says so and exits 1 when the server knows no variant by a --variant name, before claiming anything", async () => {
    const r = await gpuWorker("sd15", "sd-typo");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has no variant named "sd-typo"');
    expect(r.stderr).not.toContain('"sd15"');
    expect(claims).toHaveLength(0);
  }, 60_000);

  it("starts for a known variant", async () => {
    const r = await gpuWorker("sd15");
    expect(r.stderr).not.toContain("has no variant named");
    expect(r.code).toBe(0);
    expect(claims).toHaveLength(1);
  }, 60_000);
});
