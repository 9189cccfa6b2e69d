// The HTTP front of the service (started by scripts/serve.ts instead of `next start`): it sees
// the socket, which Next.js route handlers cannot, and does two things before Next.js routes:
// - appends the peer's address to X-Forwarded-For, as a proxy hop would, so lib/http/client-address.ts
//   can count T2I_TRUSTED_PROXY_HOPS from the right and a client cannot name its own address;
// - answers a path with malformed percent-encoding with a JSON 400 in the API's error shape
//   (Next.js would answer a plain-text error).
// Plain JavaScript, run by node without tsx, so Next.js loads its build exactly as `next start` does.
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import next from "next";

const HELP = `Usage: node scripts/next-server.mjs [--port 3000] [--host 0.0.0.0]

Serves the built web app (run 'next build' first) like 'next start', adding the peer
address to X-Forwarded-For and refusing malformed percent-encoded paths with a JSON 400.
Normally started by 'npm start'.
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

async function main() {
  const { values } = parseArgs({
    options: { port: { type: "string", default: process.env.PORT ?? "3000" }, host: { type: "string", default: "0.0.0.0" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return void process.stdout.write(HELP);
  const port = Number(values.port);
  process.env.NODE_ENV = "production";
  const app = next({ dev: false, dir: path.resolve("."), hostname: values.host, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((req, res) => {
    req.headers["x-forwarded-for"] = appendForwardedFor(req.headers["x-forwarded-for"], req.socket.remoteAddress);
    if (wellFormedPath(req.url) === undefined) {
      const body = JSON.stringify({ error: { code: "bad_request", message: "the request path has malformed percent-encoding (a % not followed by two hex digits of valid UTF-8)" } });
      res.writeHead(400, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      return void res.end(body);
    }
    void handle(req, res);
  });
  server.listen(port, values.host, () => console.log(`ready on http://${values.host === "0.0.0.0" ? "localhost" : values.host}:${port}`));
  for (const sig of ["SIGINT", "SIGTERM"]) process.once(sig, () => server.close(() => process.exit(0)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(`error: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}
