// The HTTP front of the service (started by scripts/service/serve.ts instead of `next start`): it sees
// the socket, which Next.js route handlers cannot, and does two things before Next.js routes:
// - appends the peer's address to X-Forwarded-For, as a proxy hop would, so lib/http/client-address.ts
//   can count T2I_TRUSTED_PROXY_HOPS from the right and a client cannot name its own address;
// - answers a path with malformed percent-encoding with a JSON 400 in the API's error shape
//   (Next.js would answer a plain-text error);
// - answers a ranking page from the rendered-HTML cache (server/page-cache.mjs) while nothing in
//   the database changed, with a fresh CSP nonce and the same per-address page limit as proxy.ts.
// Plain JavaScript, run by node without tsx, so Next.js loads its build exactly as `next start` does.
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import next from "next";
import {
  cacheableRequest,
  captureResponse,
  freshNonce,
  PAGE_GATE_KEY,
  PAGE_VERSION_KEY,
  PageCache,
  sendPage,
  withNonce,
} from "./page-cache.mjs";

const HELP = `Usage: node server/next-server.mjs [--port 3000] [--host 0.0.0.0] [--handover]

Serves the built web app (run 'next build' first) like 'next start', adding the peer
address to X-Forwarded-For, refusing malformed percent-encoded paths with a JSON 400 and
answering unchanged ranking pages from a rendered-HTML cache (docs/concepts/leaderboard.md, "Speed").
Normally started by 'npm start', which passes --handover: the listening socket then comes from
the parent process over IPC (it answered with a starting page meanwhile), and this process
takes it over once Next.js has loaded, then says "listening" back.
`;

/** The request path if every %XX in it decodes as UTF-8, else undefined. */
export function wellFormedPath(url) {
  const pathname = (url ?? "/").split("?")[0];
  try {
    decodeURIComponent(pathname);
    return pathname;
  } catch {
    return undefined;
  }
}

/** X-Forwarded-For with the socket's address appended (the nearest hop is always last). */
export function appendForwardedFor(existing, peer) {
  const prior = Array.isArray(existing) ? existing.join(", ") : existing;
  const hop = peer ?? "unknown";
  return prior && prior.trim() ? `${prior}, ${hop}` : hop;
}

/**
 * Wraps Next.js's request handler with the ranking pages' HTML cache. The app publishes two hooks
 * on globalThis once its modules load: the page version (changes with any database commit or
 * computed board) and the per-address page limit. Until both exist, every request renders.
 */
export function cachingHandler(handle, cache = new PageCache(), hooks = globalThis) {
  // Renders under way per cache key: concurrent misses of one page wait for its one render.
  const inflight = new Map();
  const serveStored = async (req, res, page) => {
    const refusal = await hooks[PAGE_GATE_KEY](req.headers);
    sendPage(res, refusal ?? withNonce(page, freshNonce()));
  };
  return async (req, res) => {
    const version = hooks[PAGE_VERSION_KEY];
    if (!version || !hooks[PAGE_GATE_KEY] || !cacheableRequest(req)) return handle(req, res);
    const before = version();
    const page = cache.get(req.url, before);
    if (page) return serveStored(req, res, page);
    const key = cache.key(req.url, before);
    const pending = inflight.get(key);
    if (pending) {
      const rendered = await pending;
      if (rendered) return serveStored(req, res, rendered);
    }
    let settle;
    if (!pending) inflight.set(key, new Promise((r) => (settle = r)));
    const done = (rendered) => {
      if (!settle) return;
      inflight.delete(key);
      settle(rendered);
      settle = undefined;
    };
    // Rendered uncompressed so the stored body can take a fresh nonce.
    delete req.headers["accept-encoding"];
    captureResponse(res, (rendered) => {
      // A page whose render saw the version move (a board computed meanwhile) is not kept.
      const keep = version() === before;
      if (keep) cache.set(req.url, before, rendered);
      done(keep ? rendered : undefined);
    });
    res.once("close", () => done(undefined));
    res.setHeader("x-page-cache", "miss");
    return handle(req, res);
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: process.env.PORT ?? "3000" },
      host: { type: "string", default: "0.0.0.0" },
      handover: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return void process.stdout.write(HELP);
  const port = Number(values.port);
  process.env.NODE_ENV = "production";
  const app = next({ dev: false, dir: path.resolve("."), hostname: values.host, port });
  const handle = app.getRequestHandler();
  // Asked for before Next.js loads, so the socket is here when it is needed.
  const inherited = values.handover ? receiveListener() : undefined;
  await app.prepare();
  const serve = cachingHandler(handle);
  const server = http.createServer((req, res) => {
    req.headers["x-forwarded-for"] = appendForwardedFor(req.headers["x-forwarded-for"], req.socket.remoteAddress);
    if (wellFormedPath(req.url) === undefined) {
      const body = JSON.stringify({
        error: {
          code: "bad_request",
          message:
            "the request path has malformed percent-encoding (a % not followed by two hex digits of valid UTF-8)",
        },
      });
      res.writeHead(400, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      return void res.end(body);
    }
    void serve(req, res);
  });
  // A taken port is fatal: say so and exit, instead of Next.js's uncaught-exception log and a process serving nothing.
  server.on("error", (e) => {
    console.error(
      e.code === "EADDRINUSE"
        ? `error: port ${port} is already in use on ${values.host}; stop what listens there or choose another with --port N`
        : `error: ${e.message}`,
    );
    process.exit(1);
  });
  const ready = () => {
    console.log(`ready on http://${values.host === "0.0.0.0" ? "localhost" : values.host}:${port}`);
    if (inherited) process.send?.({ type: "listening" });
  };
  if (inherited) server.listen(await inherited, ready);
  else server.listen(port, values.host, ready);
  for (const sig of ["SIGINT", "SIGTERM"]) process.once(sig, () => server.close(() => process.exit(0)));
}

/** The listening socket the parent (scripts/service/serve.ts) sends over IPC. */
function receiveListener() {
  if (!process.send) throw new Error("--handover needs an IPC channel to the process that listens (npm start)");
  return new Promise((resolve) => {
    process.on("message", (m, handle) => {
      if (m?.type === "listen" && handle) resolve(handle);
    });
    process.send({ type: "send-listener" });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(`error: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}
