// A plain HTTP server in front of the app's route handlers (app/api/**/route.ts), for tests that
// need the real API over a socket without starting Next.js: Next-style folders ([id]) become path
// parameters, the handler exported for the method answers. Only the folders listed are served.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;
type Route = { pattern: RegExp; names: string[]; module: Record<string, unknown> };

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === "route.ts" ? [p] : [];
  });
}

async function loadRoutes(folders: string[]): Promise<Route[]> {
  const routes: Route[] = [];
  for (const folder of folders) {
    for (const file of routeFiles(path.resolve(folder))) {
      const rel = path.relative(path.resolve("app"), path.dirname(file)).split(path.sep);
      const names: string[] = [];
      const source = rel
        .map((seg) => {
          const m = /^\[(\w+)\]$/.exec(seg);
          if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(m[1]!);
          return "([^/]+)";
        })
        .join("/");
      routes.push({ pattern: new RegExp(`^/${source}$`), names, module: await import(pathToFileURL(file).href) });
    }
  }
  // Literal segments before parameters: /jobs/claim must not be taken for /jobs/[id].
  routes.sort((a, b) => a.names.length - b.names.length);
  return routes;
}

export type RouteServer = { url: string; close: () => Promise<void>; requests: number };

/** Serves the route handlers under `folders` (e.g. "app/api/v1/worker/jobs") on 127.0.0.1, a free port. */
export async function startRouteServer(folders: string[]): Promise<RouteServer> {
  const routes = await loadRoutes(folders);
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    void (async () => {
      state.requests++;
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      for (const r of routes) {
        const m = r.pattern.exec(url.pathname);
        if (!m) continue;
        const handler = r.module[req.method ?? "GET"] as Handler | undefined;
        if (!handler) break;
        const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
        const hasBody = req.method !== "GET" && req.method !== "HEAD";
        const request = new Request(url, {
          method: req.method,
          headers: req.headers as Record<string, string>,
          ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
        } as RequestInit);
        const answer = await handler(request, { params: Promise.resolve(params) });
        res.writeHead(answer.status, Object.fromEntries(answer.headers));
        res.end(Buffer.from(await answer.arrayBuffer()));
        return;
      }
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "not_found", message: `no route ${url.pathname}` } }));
    })().catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
