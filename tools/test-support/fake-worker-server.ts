// An in-memory server for docs/reference/worker-protocol.md, for the worker tests: claims (long poll),
// leases that expire, heartbeats, idempotent sample PUTs, complete and fail with attempts; a
// task handed out again lists only the samples not stored yet.
// Hooks let a test drop, stall or answer a request itself.
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";

export type FakeTaskSpec = {
  variant: string;
  prompt: { id: string; text: string };
  negativePrompt?: string | null;
  guidanceScale?: number;
  steps?: number;
  sampler?: string;
  width?: number;
  height?: number;
  samples: Array<{ index: number; seed: number }>;
};

export type FakeTask = Required<FakeTaskSpec> & {
  id: string;
  generationId: string;
  runId: string;
  state: "queued" | "leased" | "completed" | "failed";
  attempt: number;
  leasedBy: string | null;
  leaseExpiresAt: number;
  stored: Map<number, Buffer>;
  failures: string[];
};

export type RequestEvent = {
  /** Date.now() when the request arrived, and when it was answered. */
  at: number;
  answeredAt?: number;
  method: string;
  path: string;
  token: string;
  taskId?: string;
  index?: number;
  status?: number;
  body?: unknown;
};

/** What a hook wants done with a request: handle normally, drop the connection, never answer, or answer with this. */
export type HookAction = "continue" | "drop" | "hang" | { status: number; body?: unknown };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export class FakeWorkerServer {
  readonly tasks: FakeTask[] = [];
  readonly events: RequestEvent[] = [];
  hook: ((e: RequestEvent) => HookAction | Promise<HookAction>) | undefined;
  private readonly server: http.Server;
  private readonly waiters: Array<() => void> = [];
  private nextId = 1;

  constructor(private readonly opts: { leaseMs: number; maxAttempts?: number; tokens: string[] }) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) this.send(res, 500, { error: { code: "internal", message: String(e) } });
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addTask(spec: FakeTaskSpec): FakeTask {
    const n = this.nextId++;
    const task: FakeTask = {
      negativePrompt: null,
      guidanceScale: 7.5,
      steps: 3,
      sampler: "ddim",
      width: 64,
      height: 64,
      ...spec,
      id: `task_${n}`,
      generationId: "gen_1",
      runId: `run_${spec.variant}`,
      state: "queued",
      attempt: 0,
      leasedBy: null,
      leaseExpiresAt: 0,
      stored: new Map(),
      failures: [],
    };
    this.tasks.push(task);
    return task;
  }

  task(id: string): FakeTask {
    const t = this.tasks.find((x) => x.id === id);
    if (!t) throw new Error(`no task ${id}`);
    return t;
  }

  /** Resolves once `predicate` holds (checked after every request and every 20 ms). */
  async waitFor(predicate: () => boolean, timeoutMs = 30_000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 20);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Puts back every task whose lease ran out, as the real service does. */
  private expireLeases(): void {
    const now = Date.now();
    for (const t of this.tasks) {
      if (t.state === "leased" && t.leaseExpiresAt <= now) {
        t.state = "queued";
        t.leasedBy = null;
      }
    }
  }

  private taskJson(t: FakeTask) {
    return {
      id: t.id,
      leaseExpiresAt: new Date(t.leaseExpiresAt).toISOString(),
      attempt: t.attempt,
      generationId: t.generationId,
      runId: t.runId,
      variant: t.variant,
      prompt: t.prompt,
      negativePrompt: t.negativePrompt,
      guidanceScale: t.guidanceScale,
      steps: t.steps,
      sampler: t.sampler,
      width: t.width,
      height: t.height,
      samples: t.samples.filter((x) => !t.stored.has(x.index)),
    };
  }

  private send(res: http.ServerResponse, status: number, body?: unknown): void {
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://x");
    // The worker's start-up check that its variants exist (GET /api/v1/variants/{name}): this fake
    // server knows every variant. Answered outside the event log, which records the protocol only.
    if (req.method === "GET" && url.pathname.startsWith("/api/v1/variants/")) {
      this.send(res, 200, { name: decodeURIComponent(url.pathname.slice("/api/v1/variants/".length)) });
      return;
    }
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    const m = url.pathname.match(/^\/api\/v1\/worker\/tasks\/([^/]+)\/(heartbeat|complete|fail|samples\/(\d+))$/);
    const event: RequestEvent = {
      at: Date.now(),
      method: req.method ?? "",
      path: url.pathname,
      token,
      taskId: m ? decodeURIComponent(m[1]!) : undefined,
      index: m?.[3] !== undefined ? Number(m[3]) : undefined,
    };
    if ((req.headers["content-type"] ?? "").includes("json") && raw.length > 0)
      event.body = JSON.parse(raw.toString("utf8"));
    this.events.push(event);
    const reply = (status: number, body?: unknown) => {
      event.status = status;
      event.answeredAt = Date.now();
      this.send(res, status, body);
      for (const w of this.waiters.splice(0)) w();
    };

    const action = this.hook ? await this.hook(event) : "continue";
    if (action === "drop") {
      event.status = -1;
      req.socket.destroy();
      return;
    }
    if (action === "hang") {
      event.status = 0;
      return;
    }
    if (typeof action === "object") return reply(action.status, action.body);

    if (!this.opts.tokens.includes(token))
      return reply(401, { error: { code: "unauthorized", message: "unknown worker token" } });
    this.expireLeases();

    if (req.method === "POST" && url.pathname === "/api/v1/worker/claim") {
      const body = event.body as { variants?: unknown; waitSeconds?: unknown } | undefined;
      const variants = body?.variants;
      const wait = body?.waitSeconds;
      if (!Array.isArray(variants) || typeof wait !== "number" || wait < 0 || wait > 30) {
        return reply(422, { error: { code: "validation_failed", message: "bad claim body" } });
      }
      const deadline = Date.now() + wait * 1000;
      for (;;) {
        this.expireLeases();
        for (const x of this.tasks) {
          // A task with every sample stored is done, not handed out again.
          if (x.state === "queued" && x.samples.every((s) => x.stored.has(s.index))) x.state = "completed";
        }
        const t = this.tasks.find((x) => x.state === "queued" && variants.includes(x.variant));
        if (t) {
          t.state = "leased";
          t.leasedBy = token;
          t.attempt++;
          t.leaseExpiresAt = Date.now() + this.opts.leaseMs;
          event.taskId = t.id;
          return reply(200, { task: this.taskJson(t) });
        }
        if (Date.now() >= deadline || req.socket.destroyed) return reply(204);
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    if (!m) return reply(404, { error: { code: "not_found", message: `no route ${url.pathname}` } });
    const t = this.tasks.find((x) => x.id === event.taskId);
    if (!t) return reply(404, { error: { code: "not_found", message: "no such task" } });
    const holds = t.state === "leased" && t.leasedBy === token;
    const leaseLost = () =>
      reply(409, { error: { code: "lease_lost", message: "the lease expired; the task went back to the queue" } });

    if (m[2] === "heartbeat" && req.method === "POST") {
      if (!holds) return leaseLost();
      t.leaseExpiresAt = Date.now() + this.opts.leaseMs;
      return reply(200, { leaseExpiresAt: new Date(t.leaseExpiresAt).toISOString() });
    }
    if (event.index !== undefined && req.method === "PUT") {
      if (!holds) return leaseLost();
      if (!t.samples.some((s) => s.index === event.index)) {
        return reply(422, { error: { code: "validation_failed", message: `index ${event.index} is not in the task` } });
      }
      if (req.headers["content-type"] !== "image/png" || !raw.subarray(0, 8).equals(PNG_SIGNATURE)) {
        return reply(422, { error: { code: "validation_failed", message: "not a PNG" } });
      }
      try {
        await sharp(raw).raw().toBuffer();
      } catch {
        return reply(422, { error: { code: "validation_failed", message: "not a valid image" } });
      }
      const prev = t.stored.get(event.index);
      if (prev)
        return prev.equals(raw)
          ? reply(200, { stored: false })
          : reply(409, { error: { code: "conflict", message: "other bytes are stored" } });
      t.stored.set(event.index, raw);
      return reply(201, { stored: true });
    }
    if (m[2] === "complete" && req.method === "POST") {
      if (t.state === "completed") return reply(200, {});
      if (!holds) return leaseLost();
      const missing = t.samples.map((s) => s.index).filter((i) => !t.stored.has(i));
      if (missing.length > 0)
        return reply(422, { error: { code: "validation_failed", message: "samples missing", details: { missing } } });
      t.state = "completed";
      t.leasedBy = null;
      return reply(200, {});
    }
    if (m[2] === "fail" && req.method === "POST") {
      if (!holds) return leaseLost();
      const error = (event.body as { error?: unknown } | undefined)?.error;
      if (typeof error !== "string")
        return reply(422, { error: { code: "validation_failed", message: "error must be a string" } });
      t.failures.push(error);
      t.leasedBy = null;
      const retry = t.attempt < (this.opts.maxAttempts ?? 3);
      t.state = retry ? "queued" : "failed";
      return reply(200, { retry });
    }
    return reply(404, { error: { code: "not_found", message: "no such route" } });
  }
}

/** seed = first 4 bytes (uint32, big-endian) of SHA-256("<request seed>:<prompt id>:<sample index>"), per the protocol. */
export function protocolSeed(requestSeed: number, promptId: string, index: number): number {
  return createHash("sha256").update(`${requestSeed}:${promptId}:${index}`).digest().readUInt32BE(0);
}
