// The failure paths of `toy:experiment --server` against a scripted fake service: a service
// without the toy evaluator is refused before anything is written, a dead worker and a failed
// run stop the experiment with their reason and cancel its generations, an unreachable service
// says so. (The success path runs against the real service in e2e/api/toy-experiment.spec.ts.)
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TOY_EVALUATOR_NAME } from "../../../lib/clip/identity";
import {
  runRemoteToyExperiment,
  ToyExperimentError,
  type RemoteToyExperimentOptions,
} from "./run-remote-toy-experiment";
import { ServiceUnreachable } from "./service-client";

type Handler = (method: string, path: string) => { status: number; body?: unknown } | undefined;

let server: http.Server | undefined;
const calls: string[] = [];

async function fakeService(handler: Handler): Promise<string> {
  calls.length = 0;
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const call = `${req.method} ${req.url}`;
      calls.push(call);
      const a = handler(req.method!, req.url!) ?? {
        status: 404,
        body: { error: { code: "not_found", message: `no route ${call}` } },
      };
      res.writeHead(a.status, { "content-type": "application/json" });
      res.end(a.body === undefined ? "" : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const options = (url: string): RemoteToyExperimentOptions => ({
  server: url,
  token: "t2i_test",
  workerToken: "t2iw_test",
  promptsPerType: 1,
  guidanceScales: [1, 8],
  samplesPerPrompt: 2,
  steps: 2,
  seed: 0,
  promptSetName: "toy-remote-test",
  workers: 1,
  threads: 1,
  timeoutSeconds: 60,
  pollSeconds: 0.2,
});

const TOY_VARIANT_LIST = {
  variants: [
    { name: "toy-text-sequence", conditioningType: "text_sequence" },
    { name: "toy-clip-text", conditioningType: "clip_text_embedding" },
    { name: "toy-clip-image", conditioningType: "clip_image_embedding" },
    { name: "toy-clip-image+text", conditioningType: "clip_image_embedding+text_sequence" },
  ],
};

/** A toy service that accepts the registrations and generations; `extra` answers the rest. */
function toyService(extra: Handler): Handler {
  let generations = 0;
  return (method, path) => {
    if (path === "/api/v1/health")
      return { status: 200, body: { status: "ok", evaluator: { id: "ev_toy", name: TOY_EVALUATOR_NAME } } };
    if (method === "POST" && path === "/api/v1/variants")
      return { status: 409, body: { error: { code: "conflict", message: "exists" } } };
    if (method === "GET" && path === "/api/v1/variants") return { status: 200, body: TOY_VARIANT_LIST };
    if (method === "POST" && path === "/api/v1/prompt-sets")
      return { status: 200, body: { promptSet: { name: "toy-remote-test", version: 1 }, created: false } };
    if (method === "POST" && path === "/api/v1/generations") {
      const n = ++generations;
      return {
        status: 202,
        body: {
          id: `gen_${n}`,
          runs: [
            { id: `run_${n}a`, guidanceScale: 1 },
            { id: `run_${n}b`, guidanceScale: 8 },
          ],
          tasks: 2,
          samples: 4,
        },
      };
    }
    if (method === "POST" && /^\/api\/v1\/generations\/gen_\d\/cancel$/.test(path)) return { status: 200, body: {} };
    return extra(method, path);
  };
}

describe("toy:experiment --server failure paths", () => {
  it("refuses a service that does not score with the toy evaluator, before registering anything", async () => {
    const url = await fakeService((_m, path) =>
      path === "/api/v1/health"
        ? { status: 200, body: { status: "ok", evaluator: { id: "ev_vit", name: "openai/clip-vit-base-patch32" } } }
        : undefined,
    );
    const err = await runRemoteToyExperiment(options(url)).catch((e) => e);
    expect(err).toBeInstanceOf(ToyExperimentError);
    expect(err.message).toMatch(/scores with "openai\/clip-vit-base-patch32", not the toy evaluator/);
    expect(err.message).toMatch(/T2I_MODEL_DIR=toy npm start/);
    expect(calls).toEqual(["GET /api/v1/health"]);
  });

  it("says when the service cannot be reached", async () => {
    const url = await fakeService(() => undefined);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const err = await runRemoteToyExperiment(options(url)).catch((e) => e);
    expect(err).toBeInstanceOf(ServiceUnreachable);
    expect(err.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it("stops with the worker's last lines when a worker exits, and cancels the generations", async () => {
    // The worker's variant check gets 404 for every variant, so it exits at once with code 1.
    const url = await fakeService(
      toyService((method, path) =>
        method === "GET" && path.startsWith("/api/v1/generations/gen_")
          ? {
              status: 200,
              body: { id: path.split("/").pop(), status: "queued", progress: { generated: 0, total: 4 }, runs: [] },
            }
          : undefined,
      ),
    );
    const err = await runRemoteToyExperiment(options(url)).catch((e) => e);
    expect(err).toBeInstanceOf(ToyExperimentError);
    expect(err.message).toMatch(/gpu-worker \(pid \d+\) exited with code 1 before the work was done/);
    expect(err.message).toMatch(/has no variant named/);
    for (const n of [1, 2, 3, 4]) expect(calls).toContain(`POST /api/v1/generations/gen_${n}/cancel`);
  }, 60_000);

  it("stops with the service's reason when a run fails", async () => {
    const url = await fakeService(
      toyService((method, path) => {
        if (method === "GET" && path.startsWith("/api/v1/variants/")) return { status: 200, body: {} };
        if (method === "POST" && path === "/api/v1/worker/claim") return { status: 204 };
        const m = /^\/api\/v1\/generations\/(gen_\d)$/.exec(path);
        if (method === "GET" && m) {
          const failed = m[1] === "gen_3";
          return {
            status: 200,
            body: {
              id: m[1],
              status: failed ? "failed" : "running",
              progress: { generated: 0, total: 4 },
              runs: [
                {
                  id: `run_${m[1]}a`,
                  guidanceScale: 1,
                  status: failed ? "failed" : "generating",
                  error: failed ? "task failed 3 times: toy engine: out of memory" : null,
                },
              ],
            },
          };
        }
        return undefined;
      }),
    );
    const err = await runRemoteToyExperiment(options(url)).catch((e) => e);
    expect(err).toBeInstanceOf(ToyExperimentError);
    expect(err.message).toMatch(
      /1 run failed on the service:\n {2}run run_gen_3a \(guidance 1\): task failed 3 times: toy engine: out of memory/,
    );
    expect(calls).toContain("POST /api/v1/generations/gen_1/cancel");
  }, 60_000);
});
