import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { backoffDelay, sleep } from "./backoff";
import { FakeWorkerServer, protocolSeed } from "../../../tools/test-support/fake-worker-server";
import { LeaseLostError, MissingSamplesError, WorkerApi, leaseMsFrom } from "./worker-api";

describe("leaseMsFrom", () => {
  const now = Date.parse("2026-01-01T12:00:00.000Z");
  it("uses the local clock when it gives a sane lease", () => {
    expect(leaseMsFrom("2026-01-01T12:02:00.000Z", "Thu, 01 Jan 2026 12:00:00 GMT", now)).toBe(120_000);
  });
  it("falls back to the server's Date header when the local clock is skewed", () => {
    // Local clock 10 minutes fast: the lease looks already expired.
    expect(leaseMsFrom("2026-01-01T12:02:00.000Z", "Thu, 01 Jan 2026 12:00:00 GMT", now + 600_000)).toBe(120_000);
  });
  it("assumes a short lease when neither clock makes sense", () => {
    expect(leaseMsFrom("2026-01-01T12:02:00.000Z", null, now + 600_000)).toBe(10_000);
  });
});

describe("backoff", () => {
  it("doubles per attempt up to the cap, with ±25% jitter", () => {
    const p = { baseMs: 500, maxMs: 8000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, p, () => 0.5))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(backoffDelay(1, p, () => 0)).toBe(375);
    expect(backoffDelay(1, p, () => 0.999999)).toBe(625);
  });
  it("sleep ends early with the abort reason", async () => {
    const c = new AbortController();
    setTimeout(() => c.abort(new Error("bye")), 10);
    await expect(sleep(10_000, c.signal)).rejects.toThrow("bye");
  });
});

describe("the tests' seeds", () => {
  it("follow the protocol's derivation (its worked example)", () => {
    expect(protocolSeed(42, "roses-vase", 0)).toBe(3587024594);
  });
});

describe("WorkerApi against the protocol", () => {
  let server: FakeWorkerServer;
  afterEach(async () => {
    await server.close();
  });

  it("maps each answer of a task's life", async () => {
    server = new FakeWorkerServer({ leaseMs: 5000, tokens: ["t2iw_a", "t2iw_b"] });
    await server.start();
    const t = server.addTask({
      variant: "v",
      prompt: { id: "p", text: "x" },
      width: 8,
      height: 8,
      samples: [0, 1].map((index) => ({ index, seed: protocolSeed(1, "p", index) })),
    });
    const api = new WorkerApi({ serverUrl: server.url, token: "t2iw_a" });
    expect(await api.claim(["other"], 0)).toBeNull();
    const claimed = await api.claim(["v"], 0);
    expect(claimed!.task.id).toBe(t.id);
    expect(claimed!.leaseMs).toBeGreaterThan(4000);
    expect(claimed!.leaseMs).toBeLessThanOrEqual(5000);

    const png = (colour: string) =>
      sharp({ create: { width: 8, height: 8, channels: 3, background: colour } })
        .png()
        .toBuffer();
    const red = await png("red");
    expect(await api.putSample(t.id, 0, red)).toBe("stored");
    expect(await api.putSample(t.id, 0, red)).toBe("already_stored");
    expect(await api.putSample(t.id, 0, await png("blue"))).toBe("other_bytes_stored");
    await expect(api.putSample(t.id, 7, red)).rejects.toThrow(/422 index 7 is not in the task/);
    await expect(api.complete(t.id)).rejects.toSatisfy(
      (e) => e instanceof MissingSamplesError && e.missing.join() === "1",
    );
    expect((await api.heartbeat(t.id)).leaseMs).toBeGreaterThan(4000);

    const other = new WorkerApi({ serverUrl: server.url, token: "t2iw_b" });
    await expect(other.heartbeat(t.id)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(other.putSample(t.id, 1, red)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(other.fail(t.id, "x")).rejects.toBeInstanceOf(LeaseLostError);

    expect(await api.fail(t.id, "out of memory")).toEqual({ retry: true });
    expect(t.failures).toEqual(["out of memory"]);
  });
});
