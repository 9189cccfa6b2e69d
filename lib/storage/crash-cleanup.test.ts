// A server SIGKILLed mid-transfer (its staging folder is half written) and mid-store (images
// are in the store, their rows never committed) leaves nothing behind once it restarts: the
// data folder then holds exactly the files the database references. The server here is the
// upload route behind a plain HTTP server, started like the web server (test/upload-server.ts).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { images, runs, storageClaims } from "../../db/schema";
import { createApiKey } from "../auth/api-keys";
import { drawShapePng, SHAPES } from "../../tools/fixtures/draw-shape";
import { waitFor } from "../../tools/test-support/worker-process";
import { countRows, removeDataDir, storedFiles, useTempDataDir } from "../../tools/test-support/runs";
import { TEST_ENTRY_POINTS } from "../../tools/test-support/entry-points";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDataDir));

type Server = { child: ChildProcess; exited: Promise<number | null>; output: () => string };

async function startServer(socket: string): Promise<Server> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve(TEST_ENTRY_POINTS.uploadServer), socket], {
    env: { ...process.env, T2I_RATE_LIMIT_WRITES_PER_MIN: "0", T2I_RATE_LIMIT_READS_PER_MIN: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await waitFor(
    "the server to listen",
    () => {
      if (child.exitCode !== null) throw new Error(`the server exited: ${out}`);
      return out.includes("ready");
    },
    60_000,
  );
  return { child, exited, output: () => out };
}

const BOUNDARY = "----t2i-crash-test";
const field = (name: string, value: string) =>
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
const filePart = (name: string, fileName: string, data: Buffer) =>
  Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    data,
    Buffer.from("\r\n"),
  ]);

/** The parts of an upload of n distinct images (`salt` makes them unique), without the closing boundary. */
async function uploadParts(n: number, salt: number, guidance: number): Promise<Buffer[]> {
  const names = Array.from({ length: n }, (_, i) => `s${i}.png`);
  const manifest = names
    .map((file, i) => JSON.stringify({ file, prompt: `a shape number ${i % 10}`, seed: i }))
    .join("\n");
  const parts = [
    field("variant", "crash-test"),
    field("conditioningType", "text_sequence"),
    field("guidanceScale", String(guidance)),
    filePart("manifest", "manifest.jsonl", Buffer.from(manifest)),
  ];
  for (let i = 0; i < n; i++)
    parts.push(
      filePart(
        "images",
        names[i]!,
        await drawShapePng({ shape: SHAPES[i % SHAPES.length]!, color: "red", seed: salt + i, size: 16 }),
      ),
    );
  return parts;
}

/** Starts a POST /api/v1/runs over the socket; `write` sends more of the body, `end` finishes it. */
function openUpload(socket: string, key: string) {
  const req = http.request({
    socketPath: socket,
    path: "/api/v1/runs",
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on("response", (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
  });
  answer.catch(() => {});
  return { write: (b: Buffer) => req.write(b), end: () => req.end(Buffer.from(`--${BOUNDARY}--\r\n`)), answer };
}

/** Files under the data folder apart from the database, and the images rows. */
function dataFolderState(dir: string) {
  const stagingDir = path.join(dir, "staging");
  return {
    staging: fs.existsSync(stagingDir) ? fs.readdirSync(stagingDir) : [],
    store: storedFiles(dir).map((f) => path.basename(f).split(".")[0]!),
    rows: getDb()
      .select({ sha256: images.sha256 })
      .from(images)
      .all()
      .map((r) => r.sha256),
  };
}

describe("crash leftovers", () => {
  it("leaves exactly what the database references after SIGKILLs mid-transfer and mid-store and a restart", async () => {
    const dir = useTempDataDir();
    dirs.push(dir);
    const socket = path.join(os.tmpdir(), `t2i-crash-${process.pid}.sock`);
    const key = createApiKey("crash-test").secret;

    // A completed upload, whose files must survive every clean-up.
    let server = await startServer(socket);
    const ok = openUpload(socket, key);
    for (const p of await uploadParts(6, 1, 1)) ok.write(p);
    ok.end();
    expect((await ok.answer).status).toBe(202);
    const kept = dataFolderState(dir);
    expect(kept.store).toHaveLength(6);

    // Mid-transfer: half the body is sent, the server has staged some of it, then it dies.
    const halfParts = await uploadParts(40, 1000, 2);
    const half = openUpload(socket, key);
    for (const p of halfParts.slice(0, 20)) half.write(p);
    const stagingDir = path.join(dir, "staging");
    await waitFor(
      "the server to stage the first images",
      () =>
        fs.existsSync(stagingDir) &&
        fs
          .readdirSync(stagingDir)
          .some(
            (d) => d.startsWith("upload-") && fs.readdirSync(path.join(stagingDir, d), { recursive: true }).length > 1,
          ),
      60_000,
      2,
    );
    server.child.kill("SIGKILL");
    await server.exited;
    const afterTransferKill = dataFolderState(dir);
    expect(afterTransferKill.staging.length).toBeGreaterThan(0);

    server = await startServer(socket);
    expect(dataFolderState(dir)).toEqual({ ...kept, staging: [] });

    // Mid-store: the whole body arrives and is checked; once the first files are in the store
    // (before their rows commit), the server dies.
    const big = openUpload(socket, key);
    for (const p of await uploadParts(1500, 5000, 3)) big.write(p);
    big.end();
    await waitFor(
      "the server to place files in the store",
      () => {
        const s = dataFolderState(dir);
        return countRows(storageClaims) > 0 && s.store.length > kept.store.length;
      },
      60_000,
      2,
    );
    server.child.kill("SIGKILL");
    await server.exited;
    const afterStoreKill = dataFolderState(dir);
    expect(afterStoreKill.rows).toEqual(kept.rows);
    expect(afterStoreKill.store.length).toBeGreaterThan(kept.store.length);
    expect(getDb().select().from(runs).all()).toHaveLength(1);

    server = await startServer(socket);
    const final = dataFolderState(dir);
    expect(final).toEqual({ ...kept, staging: [] });
    expect(new Set(final.store)).toEqual(new Set(final.rows));
    expect(server.output()).toMatch(/clean-up: removed \d+ staging leftover\(s\) and \d+ stored file\(s\)/);
    server.child.kill("SIGTERM");
    await server.exited;
  }, 240_000);
});
