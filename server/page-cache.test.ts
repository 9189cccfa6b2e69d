import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript modules without type declarations
import { cachingHandler } from "./next-server.mjs";
// @ts-expect-error plain JavaScript modules without type declarations
import { PAGE_GATE_KEY, PAGE_VERSION_KEY, PageCache, cacheableRequest, nonceOf, withNonce } from "./page-cache.mjs";

type Reply = { status: number; body: string; headers: http.IncomingHttpHeaders };

/** A stand-in for Next.js: renders a page with a fresh nonce in a script tag and the CSP header. */
function fakeNext(opts: { status?: number; onRender?: () => void } = {}) {
  const state = { renders: 0 };
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    state.renders++;
    opts.onRender?.();
    const nonce = Buffer.from(`nonce-${state.renders}-${Math.random()}`).toString("base64");
    res.statusCode = opts.status ?? 200;
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.setHeader("content-security-policy", `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    res.write(`<html><body><p>${req.url} render ${state.renders}</p>`);
    res.end(`<script nonce="${nonce}">self.x=1</script></body></html>`);
  };
  return { state, handle };
}

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => unknown,
): Promise<(path: string, headers?: Record<string, string>) => Promise<Reply>> {
  const server = http.createServer((req, res) => void handler(req, res));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return (path, headers = {}) =>
    new Promise((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path, headers }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers }));
        })
        .on("error", reject);
    });
}

function hooks(version: { v: string }, refuse = false) {
  return {
    [PAGE_VERSION_KEY]: () => version.v,
    [PAGE_GATE_KEY]: async () =>
      refuse
        ? {
            status: 429,
            headers: { "content-type": "application/json", "retry-after": "30" },
            body: '{"error":{"code":"rate_limited","message":"too many requests"}}',
          }
        : null,
  };
}

const bodyNonce = (body: string) => /nonce="([^"]+)"/.exec(body)?.[1];

describe("the ranking pages' HTML cache (server/page-cache.mjs)", () => {
  it("renders once, then answers the same URL from the cache with a fresh nonce matching its CSP", async () => {
    const next = fakeNext();
    const get = await serve(cachingHandler(next.handle, new PageCache(), hooks({ v: "1:0" })));
    const first = await get("/?diversity=0.5");
    const second = await get("/?diversity=0.5");
    const third = await get("/?diversity=0.5");
    expect(next.state.renders).toBe(1);
    expect([first.headers["x-page-cache"], second.headers["x-page-cache"], third.headers["x-page-cache"]]).toEqual([
      "miss",
      "hit",
      "hit",
    ]);
    expect(second.body).toContain("render 1");
    const nonces = [first, second, third].map((r) => bodyNonce(r.body));
    expect(new Set(nonces).size).toBe(3);
    for (const r of [first, second, third])
      expect(nonceOf(r.headers["content-security-policy"])).toBe(bodyNonce(r.body));
    expect(Number(second.headers["content-length"])).toBe(Buffer.byteLength(second.body));
    // Another URL is another page.
    await get("/?diversity=0.7");
    expect(next.state.renders).toBe(2);
  });

  it("misses once the version moves (a database commit or a newly computed board)", async () => {
    const next = fakeNext();
    const version = { v: "1:0" };
    const get = await serve(cachingHandler(next.handle, new PageCache(), hooks(version)));
    await get("/");
    await get("/");
    version.v = "2:0";
    const after = await get("/");
    expect(after.headers["x-page-cache"]).toBe("miss");
    expect(after.body).toContain("render 2");
    expect((await get("/")).headers["x-page-cache"]).toBe("hit");
    expect(next.state.renders).toBe(2);
  });

  it("does not keep a page whose version moved during its render", async () => {
    const version = { v: "1:0" };
    let n = 0;
    const next = fakeNext({ onRender: () => (version.v = `1:${++n}`) });
    const get = await serve(cachingHandler(next.handle, new PageCache(), hooks(version)));
    await get("/compare?a=x&b=y");
    await get("/compare?a=x&b=y");
    expect(next.state.renders).toBe(2);
  });

  it("keeps the per-address page limit on cached views", async () => {
    const next = fakeNext();
    const cache = new PageCache();
    const version = { v: "1:0" };
    await (
      await serve(cachingHandler(next.handle, cache, hooks(version)))
    )("/");
    const limited = await serve(cachingHandler(next.handle, cache, hooks(version, true)));
    const r = await limited("/");
    expect(r.status).toBe(429);
    expect(r.headers["retry-after"]).toBe("30");
    expect(JSON.parse(r.body).error.code).toBe("rate_limited");
  });

  it("passes through what it must not cache: other paths, cookies, RSC requests, errors, no app hooks", async () => {
    const next = fakeNext();
    const get = await serve(cachingHandler(next.handle, new PageCache(), hooks({ v: "1:0" })));
    for (let i = 0; i < 2; i++) await get("/runs");
    for (let i = 0; i < 2; i++) await get("/", { cookie: "a=b" });
    for (let i = 0; i < 2; i++) await get("/variants/v1", { rsc: "1" });
    expect(next.state.renders).toBe(6);
    const failing = fakeNext({ status: 404 });
    const get404 = await serve(cachingHandler(failing.handle, new PageCache(), hooks({ v: "1:0" })));
    for (let i = 0; i < 2; i++) expect((await get404("/variants/nope")).status).toBe(404);
    expect(failing.state.renders).toBe(2);
    const bare = fakeNext();
    const getBare = await serve(cachingHandler(bare.handle, new PageCache(), {}));
    for (let i = 0; i < 2; i++) await getBare("/");
    expect(bare.state.renders).toBe(2);
    expect(cacheableRequest({ method: "POST", url: "/", headers: {} })).toBe(false);
    expect(cacheableRequest({ method: "GET", url: "/?_rsc=abc", headers: {} })).toBe(false);
  });

  it("is bounded: least recently used pages go first, by bytes and by count", () => {
    const page = (body: string) => ({
      status: 200,
      headers: { "content-security-policy": "'nonce-AAA'" },
      body,
      nonce: "AAA",
    });
    const cache = new PageCache(25, 10);
    cache.set("/a", "v", page("x".repeat(10)));
    cache.set("/b", "v", page("y".repeat(10)));
    expect(cache.get("/a", "v")).toBeDefined(); // /a is now the most recent
    cache.set("/c", "v", page("z".repeat(10)));
    expect(cache.get("/b", "v")).toBeUndefined();
    expect(cache.get("/a", "v")).toBeDefined();
    expect(cache.bytes).toBe(20);
    cache.set("/huge", "v", page("h".repeat(26)));
    expect(cache.get("/huge", "v")).toBeUndefined();
    const few = new PageCache(1000, 2);
    for (const p of ["/1", "/2", "/3"]) few.set(p, "v", page(p));
    expect(few.size).toBe(2);
    expect(few.get("/1", "v")).toBeUndefined();
    expect(cache.get("/a", "other-version")).toBeUndefined();
  });

  it("swaps every occurrence of the stored nonce and drops hop-by-hop headers", () => {
    const out = withNonce(
      {
        status: 200,
        headers: {
          "content-security-policy": "script-src 'nonce-OLD'",
          "set-cookie": "x=1",
          date: "then",
          "content-type": "text/html",
        },
        body: '<script nonce="OLD"></script><script nonce="OLD"></script>',
        nonce: "OLD",
      },
      "NEW",
    );
    expect(Buffer.concat(out.chunks).toString()).toBe('<script nonce="NEW"></script><script nonce="NEW"></script>');
    expect(out.headers["content-length"]).toBe(String(Buffer.concat(out.chunks).length));
    expect(out.headers["content-security-policy"]).toBe("script-src 'nonce-NEW'");
    expect(out.headers["set-cookie"]).toBeUndefined();
    expect(out.headers.date).toBeUndefined();
    expect(out.headers["x-page-cache"]).toBe("hit");
  });
});

describe("concurrent misses of one page", () => {
  it("wait for its one render instead of rendering it each", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const next = fakeNext();
    const slow = async (req: http.IncomingMessage, res: http.ServerResponse) => {
      await gate;
      next.handle(req, res);
    };
    const get = await serve(cachingHandler(slow, new PageCache(), hooks({ v: "1:0" })));
    const replies = Array.from({ length: 5 }, () => get("/"));
    await new Promise((r) => setTimeout(r, 50));
    release();
    const all = await Promise.all(replies);
    expect(next.state.renders).toBe(1);
    expect(all.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(all.filter((r) => r.headers["x-page-cache"] === "hit")).toHaveLength(4);
    for (const r of all) expect(nonceOf(r.headers["content-security-policy"])).toBe(bodyNonce(r.body));
  });
});
