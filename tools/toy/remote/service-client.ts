// The REST calls of `npm run toy:experiment -- --server URL`: JSON and image requests with the
// API key, a time limit per request, a retry on 429 (Retry-After), and errors that say what
// went wrong in the service's own words ({error:{code,message}}).
import { setTimeout as delay } from "node:timers/promises";

/** The service answered with an error status; `code` is its error code ("conflict", "unauthorized", …). */
export class ServiceRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The service could not be reached or did not answer in time. */
export class ServiceUnreachable extends Error {}

export type ServiceClientOptions = {
  /** Base address, e.g. http://localhost:3000 (a trailing slash is dropped). */
  server: string;
  /** API key t2i_… (admin or submitter), sent as a Bearer token. */
  token: string;
  /** Per-request limit in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** Retries of a 429 answer, each after its Retry-After (default 5). */
  rateLimitRetries?: number;
};

export class ServiceClient {
  readonly server: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(opts: ServiceClientOptions) {
    this.server = opts.server.replace(/\/+$/, "");
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retries = opts.rateLimitRetries ?? 5;
  }

  /** One request; resolves to the 2xx response, throws ServiceRefusal (other statuses) or ServiceUnreachable. */
  async request(method: string, path: string, json?: unknown): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${this.server}${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${this.token}`,
            ...(json !== undefined ? { "content-type": "application/json" } : {}),
          },
          body: json !== undefined ? JSON.stringify(json) : undefined,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (e) {
        const err = e as Error & { cause?: { code?: string; message?: string } };
        if (err.name === "TimeoutError")
          throw new ServiceUnreachable(
            `${method} ${this.server}${path} got no answer within ${this.timeoutMs / 1000} s`,
          );
        throw new ServiceUnreachable(
          `cannot reach ${this.server} (${err.cause?.code ?? err.cause?.message ?? err.message}): is the service running there?`,
        );
      }
      if (res.ok) return res;
      if (res.status === 429 && attempt < this.retries) {
        const wait = Number(res.headers.get("retry-after") ?? "1");
        await res.body?.cancel();
        await delay(Math.min(60, Number.isFinite(wait) && wait > 0 ? wait : 1) * 1000);
        continue;
      }
      const text = await res.text();
      let error: { code?: string; message?: string } | undefined;
      try {
        error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
      } catch {
        // not JSON: the text goes into the message
      }
      throw new ServiceRefusal(
        res.status,
        error?.code ?? "error",
        `${method} ${path}: ${res.status} ${error?.code ?? ""}: ${error?.message ?? text.slice(0, 300)}`,
      );
    }
  }

  /** The JSON body of a 2xx answer. */
  async json(method: string, path: string, body?: unknown): Promise<unknown> {
    return (await this.request(method, path, body)).json();
  }

  /** The bytes of a 2xx answer (an image). */
  async bytes(path: string): Promise<Buffer> {
    return Buffer.from(await (await this.request("GET", path)).arrayBuffer());
  }
}
