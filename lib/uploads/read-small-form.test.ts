// POST /api/v1/prompt-sets with a multipart body: bounded while it streams. A chunked body (no
// Content-Length to check first) is refused at the limit, after reading little more than the
// limit; Request.formData() used to read all of it (314.6 MB, RSS 1.75 GB, with any key).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/prompt-sets/route";
import { createApiKey } from "../auth/api-keys";
import { removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { readSmallForm } from "./read-small-form";

let dir: string;
beforeEach(() => {
  dir = useTempDataDir();
});
afterEach(() => removeDataDir(dir));

const BOUNDARY = "----t2iboundary";

/** A multipart body with a "name" field and a "file" part that never ends; counts the bytes read. */
function endlessForm(total: number) {
  let pulled = 0;
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\nbig\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="p.jsonl"\r\nContent-Type: application/jsonl\r\n\r\n`,
  );
  const line = Buffer.from(`${JSON.stringify({ prompt: "x".repeat(1000) })}\n`.repeat(64));
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      const chunk = pulled === 0 ? head : line;
      if (pulled >= total) return c.close();
      pulled += chunk.length;
      c.enqueue(new Uint8Array(chunk));
    },
  });
  return { stream, pulled: () => pulled };
}

describe("a multipart prompt-set body", () => {
  it("is refused at the limit while it streams, without a Content-Length", async () => {
    const key = createApiKey("k", "submitter");
    const body = endlessForm(80 * 1024 * 1024);
    const res = await POST(
      new Request("http://localhost/api/v1/prompt-sets", {
        method: "POST",
        headers: { authorization: `Bearer ${key.secret}`, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
        body: body.stream,
        duplex: "half",
      } as RequestInit),
      undefined,
    );
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ code: "payload_too_large" });
    // Read stops at the 20 MiB limit (plus what was in flight), not at the end of the 80 MiB body.
    expect(body.pulled()).toBeLessThan(22 * 1024 * 1024);
  });

  it("reads fields and one file part; refuses other parts", async () => {
    const form = new FormData();
    form.append("name", "small");
    form.append("file", new Blob(["id,prompt\na,a cat\n"]), "p.csv");
    const req = new Request("http://x/", { method: "POST", body: form });
    const got = await readSmallForm(req.body, req.headers.get("content-type"), {
      maxBytes: 1000,
      fileField: "file",
      fields: ["name"],
    });
    expect(got.fields).toEqual({ name: "small" });
    expect(Buffer.from(got.file!.bytes).toString()).toBe("id,prompt\na,a cat\n");
    expect(got.file!.name).toBe("p.csv");

    const other = new FormData();
    other.append("archive", new Blob(["x"]), "a.zip");
    const bad = new Request("http://x/", { method: "POST", body: other });
    await expect(
      readSmallForm(bad.body, bad.headers.get("content-type"), { maxBytes: 1000, fileField: "file", fields: ["name"] }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
