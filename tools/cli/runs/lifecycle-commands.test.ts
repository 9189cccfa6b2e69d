// `npm run runs` against a stand-in server: each subcommand sends the REST call the API
// documents with the key, and maps the answer to output and exit code.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runRunsCli, RUNS_SUBCOMMANDS } from ".";

type Seen = { method: string; url: string; auth: string | undefined; body: string };
let seen: Seen[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: {} };
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
  answer = { status: 200, body: {} };
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), true));
  const l = vi.spyOn(console, "log").mockImplementation((...a) => void (out += a.join(" ") + "\n"));
  try {
    const code = await runRunsCli([...argv, "--server", url, "--key", "t2i_test"]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    l.mockRestore();
  }
}

describe("npm run runs", () => {
  it("lists every subcommand in --help and has a usage text for each", async () => {
    const { code, out } = await cli("--help");
    expect(code).toBe(0);
    for (const c of RUNS_SUBCOMMANDS) {
      expect(out).toContain(c.name);
      expect(c.usage).toContain(`npm run runs -- ${c.name}`);
    }
  });

  it("hides a run with its reason, as the API's POST /runs/{id}/hide, with the key", async () => {
    expect((await cli("hide", "run_a", "--reason", "wrong seed")).code).toBe(0);
    expect(seen).toEqual([
      {
        method: "POST",
        url: "/api/v1/runs/run_a/hide",
        auth: "Bearer t2i_test",
        body: JSON.stringify({ reason: "wrong seed" }),
      },
    ]);
  });

  it("deletes only with --yes, and edits a variant with PATCH", async () => {
    answer = { status: 200, body: { samples: 4, filesDeleted: 3, name: "v", id: "var_1" } };
    expect((await cli("delete", "run_a")).code).toBe(2);
    expect(seen).toEqual([]);
    const del = await cli("delete", "run_a", "run_b", "--yes");
    expect(del.code).toBe(0);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(["DELETE /api/v1/runs/run_a", "DELETE /api/v1/runs/run_b"]);
    expect(del.out).toContain("deleted run_a: 4 samples, 3 image files");
    seen = [];
    expect((await cli("edit-variant", "sd15", "--name", "sd-1.5", "--link", "https://a.example/x")).code).toBe(0);
    expect(seen[0]).toMatchObject({
      method: "PATCH",
      url: "/api/v1/variants/sd15",
      body: JSON.stringify({ name: "sd-1.5", links: ["https://a.example/x"] }),
    });
  });

  it("prints the server's refusal and exits 1; bad usage exits 2", async () => {
    answer = {
      status: 403,
      body: { error: { code: "forbidden", message: 'API key "bob" (role submitter) may not hide run run_a' } },
    };
    const r = await cli("hide", "run_a", "--reason", "x");
    expect(r.code).toBe(1);
    expect(r.err).toContain('403 forbidden: API key "bob" (role submitter) may not hide run run_a');
    expect((await cli("hide", "run_a")).code).toBe(2);
    expect((await cli("frobnicate")).code).toBe(2);
    expect((await cli("hide", "run_a", "--reason", "x", "--bogus")).code).toBe(2);
  });
});
