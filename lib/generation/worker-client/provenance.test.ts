// The worker loop sends its provenance (engine, model name and digest) with every complete.
import path from "node:path";
import { TEST_ENTRY_POINTS } from "../../../tools/test-support/entry-points";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CommandEngine } from "./command-engine";
import { runGenerationWorker } from "./run-generation-worker";
import { FakeWorkerServer, protocolSeed } from "../../../tools/test-support/fake-worker-server";
import { WorkerApi } from "./worker-api";

const GENERATORS = `${path.resolve(TEST_ENTRY_POINTS.generators)}/`;

let server: FakeWorkerServer;
beforeEach(async () => {
  server = new FakeWorkerServer({ leaseMs: 5000, tokens: ["t2iw_p"] });
  await server.start();
  server.addTask({
    variant: "m",
    prompt: { id: "p1", text: "a lighthouse" },
    negativePrompt: null,
    samples: [0, 1].map((index) => ({ index, seed: protocolSeed(1, "p1", index) })),
  });
});
afterEach(() => server.close());

describe("worker provenance", () => {
  it("is the body of the complete call", async () => {
    const provenance = { engine: "command", model: { name: "my-model", sha256: "c".repeat(64) } };
    const stats = await runGenerationWorker({
      api: new WorkerApi({ serverUrl: server.url, token: "t2iw_p", backoff: { baseMs: 10, maxMs: 50 } }),
      engine: new CommandEngine({ command: `"${process.execPath}" "${GENERATORS}write-pngs.mjs"`, killGraceMs: 500 }),
      variants: ["m"],
      waitSeconds: 0,
      once: true,
      log: () => {},
      provenance,
    });
    expect(stats.tasksCompleted).toBe(1);
    const complete = server.events.filter((e) => e.path.endsWith("/complete"));
    expect(complete.map((e) => e.body)).toEqual([provenance]);
  });
});
