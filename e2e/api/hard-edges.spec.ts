// Hostile and heavy requests (issue 9): clean answers in the error shape, security headers that
// the pages still work under, bounded work, and a server that keeps answering while it scores.
import http from "node:http";
import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { photoLikePixels } from "../../tools/fixtures/test-images";

const errorShape = { error: { code: expect.any(String), message: expect.any(String) } };

/** A raw request (Playwright would normalise the path and add Content-Length). */
function raw(
  baseURL: string,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: AsyncIterable<Buffer> },
) {
  const url = new URL(baseURL);
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: opts.method, path: opts.path, headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on("error", reject);
    if (!opts.body) return void req.end();
    void (async () => {
      for await (const c of opts.body!) if (!req.write(c)) await new Promise((r) => req.once("drain", r));
      req.end();
    })().catch(() => undefined);
  });
}

test.describe("requests the API answers cleanly", () => {
  test("ids that decode to % are looked up once, not decoded twice", async ({ request }) => {
    for (const p of ["/api/v1/variants/%25", "/api/v1/prompt-sets/%25", "/api/v1/variants/%2541"]) {
      const res = await request.get(p);
      expect(res.status(), p).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
    }
  });

  test("malformed percent-encoding is a JSON 400", async ({ baseURL }) => {
    for (const p of ["/api/v1/variants/%E0%A4%A", "/api/v1/runs/%zz", "/variants/%"]) {
      const res = await raw(baseURL!, { method: "GET", path: p });
      expect(res.status, p).toBe(400);
      expect(res.headers["content-type"]).toContain("application/json");
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: "bad_request" } });
    }
  });

  test("unknown API routes are a JSON 404; wrong methods a 405 with Allow, both in the error shape", async ({
    request,
  }) => {
    const missing = await request.get("/api/v1/nope/at/all");
    expect(missing.status()).toBe(404);
    expect(missing.headers()["content-type"]).toContain("application/json");
    expect(await missing.json()).toMatchObject({
      error: { code: "not_found", details: { path: "/api/v1/nope/at/all" } },
    });
    expect((await request.post("/api/v2/runs")).status()).toBe(404);

    for (const [method, path, allow] of [
      ["DELETE", "/api/v1/runs", "GET, POST, HEAD, OPTIONS"],
      ["PUT", "/api/v1/metrics", "POST, OPTIONS"],
      ["POST", "/api/v1/health", "GET, HEAD, OPTIONS"],
    ] as const) {
      const res = await request.fetch(path, { method });
      expect(res.status(), `${method} ${path}`).toBe(405);
      expect(res.headers()["allow"]).toBe(allow);
      expect(await res.json()).toMatchObject({ error: { code: "method_not_allowed" } });
    }
  });

  test("a JSON body without Content-Length is counted while streaming and refused with 413", async ({ baseURL }) => {
    async function* endless() {
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 600; i++) yield chunk; // 600 MB if read to the end
    }
    const res = await raw(baseURL!, {
      method: "POST",
      path: "/api/v1/metrics",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      body: endless(),
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: "payload_too_large" } });
  });

  test("a 1×19000 PNG gets a per-item refusal naming the bound and its setting", async ({ request }) => {
    const strip = await sharp({ create: { width: 1, height: 19000, channels: 3, background: "#777" } })
      .png()
      .toBuffer();
    const res = await request.post("/api/v1/metrics", {
      data: { items: [{ file: "strip.png", prompt: "a line", image: strip.toString("base64") }] },
    });
    expect(res.status()).toBe(422);
    const body = await res.json();
    expect(body).toMatchObject(errorShape);
    expect(body.error.details.files).toEqual([
      { file: "strip.png", code: "image_aspect_ratio", message: expect.stringContaining("T2I_MAX_ASPECT_RATIO") },
    ]);
  });
});

test.describe("security headers", () => {
  test("pages carry CSP, frame-ancestors, nosniff and a referrer policy, and still render and hydrate under them", async ({
    page,
    request,
  }) => {
    const res = await request.get("/");
    const h = res.headers();
    expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect((await request.get("/api/v1/health")).headers()["x-content-type-options"]).toBe("nosniff");

    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text());
    });
    await page.goto("/");
    // The chart is drawn in the browser: visible only if the page's scripts ran.
    await expect(page.getByTestId("tradeoff-chart").locator("svg.recharts-surface").first()).toBeVisible();
    await page.getByTestId("sort-bestClipScore").click();
    await expect(page).toHaveURL(/sort=bestClipScore/);
    await page.goto("/upload");
    await expect(page.getByRole("button").first()).toBeVisible();
    expect(violations).toEqual([]);
  });
});

test.describe("heavy work stays off the request thread", () => {
  test("while a heavy /metrics request is scored, /api/v1/health and a page answer within 200 ms of their idle time", async ({
    request,
  }) => {
    test.setTimeout(180_000);
    // 8 photo-like 2400×2400 JPEGs (46 MP, under the 50 MP budget): seconds of decoding and resizing.
    const images = await Promise.all(
      [0, 1, 2, 3, 4, 5, 6, 7].map((k) =>
        sharp(photoLikePixels(2400, 2400, k + 1), { raw: { width: 2400, height: 2400, channels: 3 } })
          .jpeg({ quality: 80 })
          .toBuffer(),
      ),
    );
    const body = {
      items: images.map((img, k) => ({ file: `big${k}.jpg`, prompt: "a photo", image: img.toString("base64") })),
    };
    const paths = ["/api/v1/health", "/upload"];
    const timed = async (path: string) => {
      const t0 = Date.now();
      const res = await request.get(path);
      expect(res.status()).toBe(200);
      return Date.now() - t0;
    };
    // What each probe costs on this (shared, busy) machine with no scoring going on.
    const idle = new Map<string, number>();
    for (const path of paths) {
      const ms: number[] = [];
      for (let i = 0; i < 7; i++) ms.push(await timed(path));
      idle.set(path, ms.sort((a, b) => a - b)[3]!);
    }

    let done = false;
    const started = Date.now();
    const heavy = request.post("/api/v1/metrics", { data: body, timeout: 170_000 }).then((r) => {
      done = true;
      return r;
    });
    const probes: { path: string; ms: number }[] = [];
    await new Promise((r) => setTimeout(r, 1000)); // the upload has arrived and scoring started
    while (!done) {
      for (const path of paths) {
        const ms = await timed(path);
        if (!done) probes.push({ path, ms });
      }
    }
    const res = await heavy;
    const heavyMs = Date.now() - started;
    expect(res.status(), await res.text()).toBe(200);
    expect((await res.json()).summary.n).toBe(8);
    const median = (path: string) =>
      probes
        .filter((p) => p.path === path)
        .map((p) => p.ms)
        .sort((a, b) => a - b)[Math.floor(probes.filter((p) => p.path === path).length / 2)]!;
    console.log(
      `heavy request ${heavyMs} ms; ${probes.length} probes; ` +
        paths
          .map(
            (p) =>
              `${p}: idle median ${idle.get(p)} ms, median ${median(p)} ms, max ${Math.max(...probes.filter((x) => x.path === p).map((x) => x.ms))} ms while scoring`,
          )
          .join("; "),
    );
    expect(probes.length).toBeGreaterThanOrEqual(4);
    // Scoring on the event loop would hold each probe for seconds (one 2400² resize alone is ~1 s).
    // Off it, a probe costs at most 200 ms more than it does on the idle server. Medians, since
    // this machine is shared and any single request can be descheduled.
    for (const path of paths) expect(median(path), path).toBeLessThan(idle.get(path)! + 200);
    expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(heavyMs / 5);
  });

  test("a batch over the total pixel budget is refused with 413 naming T2I_METRICS_MAX_PIXELS", async ({ request }) => {
    const big = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: "#345" } })
      .jpeg()
      .toBuffer();
    const items = [0, 1, 2, 3].map((k) => ({ file: `b${k}.jpg`, prompt: "p", image: big.toString("base64") }));
    const res = await request.post("/api/v1/metrics", { data: { items } });
    expect(res.status()).toBe(413);
    expect((await res.json()).error.message).toContain("T2I_METRICS_MAX_PIXELS");
  });
});
