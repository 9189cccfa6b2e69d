import { describe, expect, it } from "vitest";
import type { AppError } from "../core/errors";
import { readJson } from "./respond";

/** A chunked body (no Content-Length) of `chunks` × `size` bytes that counts how much was pulled. */
function endless(chunks: number, size: number) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (pulled >= chunks) return c.close();
      pulled++;
      c.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
  const req = new Request("http://x/api/v1/metrics", {
    method: "POST",
    body: stream,
    headers: { "content-type": "application/json" },
    duplex: "half",
  } as RequestInit);
  return { req, pulled: () => pulled };
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  return (await p.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e,
  )) as AppError;
}

describe("readJson", () => {
  it("counts a body sent without Content-Length while streaming and stops at the limit with 413", async () => {
    const body = endless(10_000, 64 * 1024); // would be 640 MB
    expect(body.req.headers.get("content-length")).toBeNull();
    const e = await refusal(readJson(body.req, 1_000_000));
    expect(e).toMatchObject({ status: 413, code: "payload_too_large", details: { max: 1_000_000 } });
    expect(body.pulled()).toBeLessThan(40); // stopped after ~1 MB, not 640 MB
  });

  it("refuses a declared Content-Length over the limit before reading, and parses what fits", async () => {
    const big = new Request("http://x/", {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json", "content-length": "5000000" },
    });
    expect(await refusal(readJson(big, 1000))).toMatchObject({ status: 413 });
    const ok = new Request("http://x/", {
      method: "POST",
      body: '{"a":[1,2]}',
      headers: { "content-type": "application/json" },
    });
    expect(await readJson(ok, 1000)).toEqual({ a: [1, 2] });
    const bad = new Request("http://x/", {
      method: "POST",
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect(await refusal(readJson(bad, 1000))).toMatchObject({ status: 400 });
  });
});
