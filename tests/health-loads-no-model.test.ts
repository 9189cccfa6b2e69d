// The web thread never loads an evaluator just to say which one it is: /api/v1/health, the
// leaderboard and the re-score route read the identity from the model folder's hashes. Every ONNX
// session created in this process is counted (InferenceSession.create is wrapped), so a route that
// loads the model fails here — as all three did when they called getServiceEvaluator().
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as health } from "../app/api/v1/health/route";
import { GET as leaderboard } from "../app/api/v1/leaderboard/route";
import { POST as rescore } from "../app/api/v1/runs/[id]/rescore/route";
import { createApiKey } from "../lib/auth/api-keys";
import { evaluatorIdentity } from "../lib/clip/identity";
import { readModelFolder } from "../lib/clip/model-folder";
import { createRun } from "../lib/runs/create-run";
import { resetConfigForTests } from "../lib/core/config";
import { serviceEvaluatorIdentity } from "../lib/scoring/service-evaluator";
import { makeRunInput, removeDataDir, useTempDataDir } from "../tools/test-support/runs";

const create = ort.InferenceSession.create;
let created: string[] = [];
beforeAll(() => {
  ort.InferenceSession.create = ((...args: Parameters<typeof create>) => {
    created.push(String(args[0]).slice(0, 200));
    return create(...args);
  }) as typeof create;
});
afterAll(() => {
  ort.InferenceSession.create = create;
});

let dir: string;
beforeEach(() => {
  // No scoring loop runs in this test: the server is told it does not work the queue itself, so
  // health answers 200 (it answers 503 when a server that should score runs no loop).
  dir = useTempDataDir({ T2I_INPROCESS_WORKER: "0" });
  created = [];
});
afterEach(() => {
  delete process.env.T2I_INPROCESS_WORKER;
  removeDataDir(dir);
});

describe("routes that name the service's evaluator", () => {
  it("GET /api/v1/health answers with the evaluator's identity and opens no ONNX session", async () => {
    const res = await health(new Request("http://x/api/v1/health"), undefined);
    expect(res.status).toBe(200);
    const body = await res.json();
    const expected = await evaluatorIdentity(await readModelFolder(path.resolve("fixtures/clip-tiny")));
    expect(body.evaluator).toMatchObject({ id: expected.id, name: expected.name, isFixture: true });
    expect(created).toEqual([]);
  });

  it("the leaderboard and the re-score route open none either", async () => {
    const key = createApiKey("health-test", "admin");
    const { run } = await createRun(await makeRunInput(dir, { perPrompt: 2 }));
    await leaderboard(
      new Request(`http://x/api/v1/leaderboard?promptSet=${encodeURIComponent(run.promptSetId)}`),
      undefined,
    );
    const res = await rescore(
      new Request(`http://x/api/v1/runs/${run.id}/rescore`, {
        method: "POST",
        headers: { authorization: `Bearer ${key.secret}` },
      }),
      { params: Promise.resolve({ id: run.id }) },
    );
    expect(res.status).toBeLessThan(500);
    expect(created).toEqual([]);
  });

  it("an image-only folder named as the service's evaluator is refused, saying it serves distribution metrics only", async () => {
    process.env.T2I_MODEL_DIR = path.resolve("fixtures/dinov2-tiny");
    resetConfigForTests();
    await expect(serviceEvaluatorIdentity()).rejects.toThrow(/image feature extractor.*distribution metrics only/);
    expect(created).toEqual([]);
  });
});
