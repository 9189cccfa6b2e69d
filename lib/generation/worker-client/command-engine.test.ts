// The command engine through the whole worker loop, against the in-memory protocol server:
// good programs get their PNGs uploaded and the task completed; broken ones get a `fail`
// report that says what went wrong.
import path from "node:path";
import { TEST_ENTRY_POINTS } from "../../../tools/test-support/entry-points";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CommandEngine, checkPng } from "./command-engine";
import { runGenerationWorker } from "./run-generation-worker";
import { FakeWorkerServer, protocolSeed, type FakeTask } from "../../../tools/test-support/fake-worker-server";
import { WorkerApi } from "./worker-api";

const GENERATORS = `${path.resolve(TEST_ENTRY_POINTS.generators)}/`;
const node = (script: string, args = "") => `"${process.execPath}" "${GENERATORS}${script}" ${args}`;

let server: FakeWorkerServer;
let task: FakeTask;
let logs: string[];

beforeEach(async () => {
  server = new FakeWorkerServer({ leaseMs: 5000, tokens: ["t2iw_cmd"] });
  await server.start();
  task = server.addTask({
    variant: "my-model",
    prompt: { id: "p7", text: "a lighthouse at dusk" },
    negativePrompt: "blurry",
    samples: [0, 1, 2].map((index) => ({ index, seed: protocolSeed(42, "p7", index) })),
  });
  logs = [];
});
afterEach(async () => {
  await server.close();
});

async function runOnce(command: string, opts: { timeoutMs?: number } = {}) {
  const api = new WorkerApi({ serverUrl: server.url, token: "t2iw_cmd", backoff: { baseMs: 10, maxMs: 50 } });
  const engine = new CommandEngine({ command, timeoutMs: opts.timeoutMs, killGraceMs: 500 });
  return runGenerationWorker({
    api,
    engine,
    variants: ["my-model"],
    waitSeconds: 0,
    once: true,
    log: (l) => logs.push(l),
  });
}

describe("command engine", () => {
  it("uploads the program's PNGs, one per sample from its own seed, and completes", async () => {
    const stats = await runOnce(node("write-pngs.mjs"));
    expect(stats).toEqual({ tasksCompleted: 1, tasksFailed: 0, leasesLost: 0, samplesUploaded: 3 });
    expect(task.state).toBe("completed");
    expect([...task.stored.keys()].sort()).toEqual([0, 1, 2]);
    for (const { index, seed } of task.samples) {
      const { data } = await sharp(task.stored.get(index)!).raw().toBuffer({ resolveWithObject: true });
      expect([data[0], data[1], data[2]]).toEqual([seed & 255, (seed >>> 8) & 255, (seed >>> 16) & 255]);
    }
    // The program's stdout reaches the worker's log.
    expect(logs.some((l) => l.includes("generator: prompt: a lighthouse at dusk"))).toBe(true);
  });

  it("reports a non-zero exit with the end of stderr", async () => {
    const stats = await runOnce(node("exit-with-error.mjs"));
    expect(stats.tasksFailed).toBe(1);
    expect(task.stored.size).toBe(0);
    expect(task.state).toBe("queued");
    const [report] = task.failures;
    expect(report).toMatch(/^the generator exited with code 3; end of its stderr:\n…/);
    expect(report).toMatch(/RuntimeError: CUDA out of memory\. Tried to allocate 2\.00 GiB$/);
    expect(report).not.toContain("loading shard 1 of 400\n");
    expect(report!.length).toBeLessThan(4200);
  });

  it("reports a corrupt PNG by its index and uploads nothing", async () => {
    await runOnce(node("write-corrupt-png.mjs"));
    expect(task.failures).toHaveLength(1);
    expect(task.failures[0]).toMatch(/^the generator exited 0, but sample 1: 1\.png is not a readable PNG \(/);
    expect(task.failures[0]).not.toMatch(/sample [02]/);
    expect(task.stored.size).toBe(0);
  });

  it("reports a missing PNG by its index", async () => {
    await runOnce(node("write-pngs.mjs", "--skip 2"));
    expect(task.failures).toEqual(["the generator exited 0, but sample 2: 2.png was not written"]);
  });

  it("reports PNGs of the wrong size", async () => {
    await runOnce(node("write-pngs.mjs", "--size 32x32"));
    expect(task.failures[0]).toContain("sample 0: 0.png is 32×32; the task asks for 64×64");
  });

  it("stops a program that outlives --command-timeout", async () => {
    const started = Date.now();
    await runOnce(node("write-pngs.mjs", "--sleep-ms 20000"), { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(task.failures).toEqual(["the generator ran longer than 0.3 s and was stopped"]);
  });

  it("reports a command that cannot start", async () => {
    await runOnce("/nonexistent/generator --flag");
    expect(task.failures[0]).toMatch(/^the generator exited with code 127; end of its stderr:\n.*nonexistent/s);
  });
});

describe("checkPng", () => {
  it("accepts a PNG of the right size and names what is wrong otherwise", async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "red" } })
      .png()
      .toBuffer();
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: "red" } })
      .jpeg()
      .toBuffer();
    expect(await checkPng(png, 8, 8)).toBeUndefined();
    expect(await checkPng(png, 16, 8)).toBe("is 8×8; the task asks for 16×8");
    expect(await checkPng(jpeg, 8, 8)).toBe("is jpeg, not PNG");
    expect(await checkPng(Buffer.from("not an image"), 8, 8)).toMatch(/^is not a readable PNG/);
  });
});
