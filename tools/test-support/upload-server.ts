// Child process of crash-cleanup.test.ts: the upload route (app/api/v1/runs/route.ts) behind a
// plain HTTP server on a Unix socket, started like the web server starts (migrations, then the
// crash-leftover clean-up). Prints "ready" once listening. Argument: the socket path.
import fs from "node:fs";
import http from "node:http";
import { Readable } from "node:stream";
import { POST } from "../../app/api/v1/runs/route";
import { migrate } from "../../db/migrate";
import { startLeftoverCleanup } from "../../lib/storage/remove-leftovers";

const socket = process.argv[2]!;
migrate();
startLeftoverCleanup();
fs.rmSync(socket, { force: true });
http
  .createServer((req, res) => {
    void (async () => {
      const request = new Request(`http://localhost${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: Readable.toWeb(req) as ReadableStream,
        duplex: "half",
      } as RequestInit);
      const answer = await POST(request, undefined);
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(await answer.text());
    })();
  })
  .listen(socket, () => process.stdout.write("ready\n"));
