// The worker loop against an in-memory implementation of docs/reference/worker-protocol.md: crashes and
// lost leases, heartbeats, retries, and stopping on signals. Worker processes are the real CLI
// (scripts/service/gpu-worker.ts) where a test needs to kill one.
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { TEST_ENTRY_POINTS } from "../../../tools/test-support/entry-points";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DiffusionPipeline } from "../../diffusion/pipeline";
import { CommandEngine } from "./command-engine";
import { OnnxEngine } from "./onnx-engine";
import { runGenerationWorker } from "./run-generation-worker";
import { FakeWorkerServer, protocolSeed, type FakeTaskSpec } from "../../../tools/test-support/fake-worker-server";
import { WorkerApi, WorkerApiError } from "./worker-api";
import { ENTRY_POINTS } from "../../core/entry-points";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const FIXTURE = `${REPO}fixtures/diffusion-tiny`;
const GENERATORS = `${path.resolve(TEST_ENTRY_POINTS.generators)}/`;
const writePngs = (args = "") => `"${process.execPath}" "${GENERATORS}write-pngs.mjs" ${args}`;
const FAST = { baseMs: 10, maxMs: 50 };

const spec = (samples = 4, over: Partial<FakeTaskSpec> = {}): FakeTaskSpec => ({
  variant: "sd-fixture",
  prompt: { id: "prompt-3", text: "a watercolor fox in the snow" },
  negativePrompt: "text, watermark",
  guidanceScale: 6,
  steps: 3,
  width: 64,
  height: 64,
  samples: Array.from({ length: samples }, (_, index) => ({ index, seed: protocolSeed(2024, "prompt-3", index) })),
  ...over,
});

let server: FakeWorkerServer;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await server?.close();
});

/** The real CLI in a child process; resolves its exit and collects its output. */
function startCliWorker(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY_POINTS.gpuWorker, ...args], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (output += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

describe("two workers, one killed mid-task", () => {
  let reference: DiffusionPipeline;
  beforeAll(async () => {
    reference = await DiffusionPipeline.load(FIXTURE, { provider: "cpu", threads: 1 });
  });
  afterAll(async () => {
    await reference.release();
  });

  it("the lease expires, the other worker finishes, and the samples are exactly the requested ones", async () => {
    server = new FakeWorkerServer({ leaseMs: 1500, tokens: ["t2iw_a", "t2iw_b"] });
    await server.start();
    const task = server.addTask(spec(4));

    // Worker A uploads sample 0, then its PUT of sample 1 never returns: it is mid-task when killed.
    let aMidTask!: () => void;
    const aReachedSample1 = new Promise<void>((r) => (aMidTask = r));
    server.hook = (e) => {
      if (e.token === "t2iw_a" && e.index === 1) {
        aMidTask();
        return "hang";
      }
      return "continue";
    };
    const a = startCliWorker([
      "--engine",
      "onnx",
      "--model",
      "fixture",
      "--provider",
      "cpu",
      "--threads",
      "1",
      "--server",
      server.url,
      "--token",
      "t2iw_a",
      "--variant",
      "sd-fixture",
      "--poll-seconds",
      "5",
    ]);
    await Promise.race([
      aReachedSample1,
      a.exited.then(() => Promise.reject(new Error(`worker A exited early:\n${a.output()}`))),
    ]);
    expect(a.output()).toMatch(/execution provider: cpu \(requested\)/);
    expect(task.stored.has(0)).toBe(true);
    a.child.kill("SIGKILL");
    expect((await a.exited).signal).toBe("SIGKILL");
    expect(task.state).toBe("leased");
    const aLeaseEnd = task.leaseExpiresAt;

    const logs: string[] = [];
    const stats = await runGenerationWorker({
      api: new WorkerApi({ serverUrl: server.url, token: "t2iw_b", backoff: FAST }),
      engine: await OnnxEngine.create({ modelDir: FIXTURE, provider: "cpu", threads: 1 }),
      variants: ["sd-fixture"],
      waitSeconds: 10,
      once: true,
      log: (l) => logs.push(l),
    });

    // A stored sample 0 before it died, so the task comes back to B without it.
    expect(stats).toEqual({ tasksCompleted: 1, tasksFailed: 0, leasesLost: 0, samplesUploaded: 3 });
    expect(task.state).toBe("completed");
    expect(task.attempt).toBe(2);
    expect(task.failures).toEqual([]);
    expect([...task.stored.keys()].sort()).toEqual([0, 1, 2, 3]);
    // Each stored image is the one its given seed makes, whichever worker uploaded it.
    const cond = await reference.prepare({
      prompt: task.prompt.text,
      negativePrompt: task.negativePrompt,
      guidanceScale: task.guidanceScale,
    });
    for (const { index, seed } of task.samples) {
      const expected = await reference.generate(cond, {
        seed,
        steps: task.steps,
        width: task.width,
        height: task.height,
      });
      expect(task.stored.get(index)!.equals(expected), `sample ${index}`).toBe(true);
    }
    expect(
      server.events.filter((e) => e.token === "t2iw_b" && e.method === "PUT").map((e) => [e.index, e.status]),
    ).toEqual([
      [1, 201],
      [2, 201],
      [3, 201],
    ]);
    // B got the task only once A's lease had run out.
    const bClaim = server.events.find((e) => e.token === "t2iw_b" && e.path.endsWith("/claim") && e.status === 200);
    expect(bClaim!.answeredAt).toBeGreaterThanOrEqual(aLeaseEnd);
  }, 60_000);
});

describe("leases", () => {
  it("heartbeats every lease/3 keep a long task", async () => {
    server = new FakeWorkerServer({ leaseMs: 600, tokens: ["t2iw_a"] });
    await server.start();
    const task = server.addTask(spec(2));
    const stats = await runGenerationWorker({
      api: new WorkerApi({ serverUrl: server.url, token: "t2iw_a", backoff: FAST }),
      engine: new CommandEngine({ command: writePngs("--sleep-ms 2000") }),
      variants: ["sd-fixture"],
      waitSeconds: 0,
      once: true,
      log: () => {},
    });
    expect(stats.tasksCompleted).toBe(1);
    expect(task.attempt).toBe(1);
    const beats = server.events.filter((e) => e.path.endsWith("/heartbeat") && e.status === 200).length;
    // 2 s of work at one beat per 200 ms.
    expect(beats).toBeGreaterThanOrEqual(6);
  });

  it("abandons the task on 409 lease_lost: the program is stopped and nothing is reported", async () => {
    server = new FakeWorkerServer({ leaseMs: 600, tokens: ["t2iw_a"] });
    await server.start();
    const task = server.addTask(spec(2));
    server.hook = (e) => {
      if (e.path.endsWith("/heartbeat")) {
        // Another worker took it over.
        task.leasedBy = "t2iw_other";
      }
      return "continue";
    };
    const logs: string[] = [];
    const started = Date.now();
    const stats = await runGenerationWorker({
      api: new WorkerApi({ serverUrl: server.url, token: "t2iw_a", backoff: FAST }),
      engine: new CommandEngine({ command: writePngs("--sleep-ms 20000"), killGraceMs: 500 }),
      variants: ["sd-fixture"],
      waitSeconds: 0,
      once: true,
      log: (l) => logs.push(l),
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(stats).toEqual({ tasksCompleted: 0, tasksFailed: 0, leasesLost: 1, samplesUploaded: 0 });
    expect(server.events.filter((e) => e.path.endsWith("/fail") || e.method === "PUT")).toEqual([]);
    expect(logs.some((l) => l.includes("lease lost; abandoned"))).toBe(true);
  });
});

describe("network trouble", () => {
  it("retries dropped connections and 503s with backoff, and still uploads each sample once", async () => {
    server = new FakeWorkerServer({ leaseMs: 5000, tokens: ["t2iw_a"] });
    await server.start();
    const task = server.addTask(spec(3));
    let dropped = 0;
    let unavailable = 0;
    server.hook = (e) => {
      if (e.path.endsWith("/claim") && unavailable < 2) {
        unavailable++;
        return { status: 503, body: { error: { code: "unavailable", message: "restarting" } } };
      }
      if (e.method === "PUT" && e.index === 1 && dropped < 2) {
        dropped++;
        return "drop";
      }
      if (e.path.endsWith("/complete") && dropped === 2) {
        dropped++;
        return "drop";
      }
      return "continue";
    };
    const logs: string[] = [];
    const stats = await runGenerationWorker({
      api: new WorkerApi({ serverUrl: server.url, token: "t2iw_a", backoff: FAST, log: (l) => logs.push(l) }),
      engine: new CommandEngine({ command: writePngs() }),
      variants: ["sd-fixture"],
      waitSeconds: 0,
      once: true,
      log: (l) => logs.push(l),
    });
    expect(stats.tasksCompleted).toBe(1);
    expect(task.state).toBe("completed");
    expect([...task.stored.keys()].sort()).toEqual([0, 1, 2]);
    expect(logs.filter((l) => /retrying in/.test(l)).length).toBe(5);
    // The dropped complete never reached the handler, so the retry is the one that completes.
    expect(server.events.filter((e) => e.path.endsWith("/complete")).map((e) => e.status)).toEqual([-1, 200]);
  });

  it("stops on a refused token instead of retrying", async () => {
    server = new FakeWorkerServer({ leaseMs: 5000, tokens: ["t2iw_a"] });
    await server.start();
    await expect(
      runGenerationWorker({
        api: new WorkerApi({ serverUrl: server.url, token: "t2iw_wrong", backoff: FAST }),
        engine: new CommandEngine({ command: writePngs() }),
        variants: ["sd-fixture"],
        waitSeconds: 0,
        log: () => {},
      }),
    ).rejects.toThrow(WorkerApiError);
  });

  it("reports a task it cannot read as failed", async () => {
    server = new FakeWorkerServer({ leaseMs: 5000, tokens: ["t2iw_a"] });
    await server.start();
    const task = server.addTask(spec(2));
    server.hook = (e) => {
      if (!e.path.endsWith("/claim")) return "continue";
      task.state = "leased";
      task.leasedBy = "t2iw_a";
      task.attempt++;
      task.leaseExpiresAt = Date.now() + 5000;
      return { status: 200, body: { task: { id: task.id, variant: "sd-fixture", samples: "all of them" } } };
    };
    await runGenerationWorker({
      api: new WorkerApi({ serverUrl: server.url, token: "t2iw_a", backoff: FAST }),
      engine: new CommandEngine({ command: writePngs() }),
      variants: ["sd-fixture"],
      waitSeconds: 0,
      once: true,
      log: () => {},
    });
    expect(task.failures).toHaveLength(1);
    expect(task.failures[0]).toMatch(/^the worker could not read the task: .*samples/);
  });
});

describe("stopping the CLI worker", () => {
  const cli = (extra: string[]) => [
    "--engine",
    "command",
    "--command",
    writePngs("--sleep-ms 1500"),
    "--server",
    server.url,
    "--token",
    "t2iw_a",
    "--variant",
    "sd-fixture",
    "--poll-seconds",
    "1",
    ...extra,
  ];

  it("SIGTERM: claims nothing more, finishes the current task, exits 0", async () => {
    server = new FakeWorkerServer({ leaseMs: 5000, tokens: ["t2iw_a"] });
    await server.start();
    const first = server.addTask(spec(2));
    const w = startCliWorker(cli([]));
    await server.waitFor(() => first.state === "leased", 30_000, "the claim");
    const second = server.addTask(spec(2, { prompt: { id: "prompt-4", text: "another" } }));
    w.child.kill("SIGTERM");
    const { code } = await w.exited;
    expect(code, w.output()).toBe(0);
    expect(first.state).toBe("completed");
    expect(second.state).toBe("queued");
    expect(w.output()).toMatch(/SIGTERM: no new tasks/);
  }, 40_000);

  it("SIGTERM past --grace-seconds: stops the task and reports it failed so it is requeued", async () => {
    server = new FakeWorkerServer({ leaseMs: 5000, tokens: ["t2iw_a"] });
    await server.start();
    const task = server.addTask(spec(2));
    const w = startCliWorker(cli(["--grace-seconds", "0"]));
    await server.waitFor(() => task.state === "leased", 30_000, "the claim");
    w.child.kill("SIGTERM");
    const { code } = await w.exited;
    expect(code, w.output()).toBe(0);
    expect(task.state).toBe("queued");
    expect(task.failures).toEqual([
      "the worker was stopped before finishing the task (SIGTERM, and the 0 s grace period ran out)",
    ]);
  }, 40_000);
});
