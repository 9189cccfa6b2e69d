// The scoring-job routes of the worker protocol through the real server (Next.js): a missing or
// wrong token is 401, another evaluator than the service's is 409 naming both, and a claim by the
// service's own evaluator gets a job or 204 (the web server's in-process worker competes for the
// same jobs here); a claimed job is handed straight back. The remote worker itself is tested
// end to end in lib/workers/remote/remote-worker.test.ts.
import { expect, test } from "@playwright/test";
import { evaluatorIdentity } from "../../lib/clip/identity";
import { readModelFolder } from "../../lib/clip/model-folder";
import { FIXTURE_MODEL_DIR, TOY_MODEL_DIR } from "../../lib/clip/resolve-model";
import { workerToken } from "../helpers";

const identity = async (dir: string) => evaluatorIdentity(await readModelFolder(dir, "fp32"));
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

test("scoring-job claims check the token and the evaluator", async ({ request }) => {
  const fixture = await identity(FIXTURE_MODEL_DIR);
  const toy = await identity(TOY_MODEL_DIR);
  const claim = (token: string | undefined, evaluator: unknown) =>
    request.post("/api/v1/worker/jobs/claim", {
      data: { workerId: "e2e-scorer", evaluator, waitSeconds: 0 },
      headers: token ? bearer(token) : {},
    });

  expect((await claim(undefined, fixture)).status()).toBe(401);
  expect((await claim("t2iw_not-a-token", fixture)).status()).toBe(401);

  const token = workerToken();
  const health = await (await request.get("/api/v1/health")).json();
  expect(health.evaluator.id).toBe(fixture.id);
  const wrong = await claim(token, toy);
  expect(wrong.status()).toBe(409);
  const body = await wrong.json();
  expect(body.error.code).toBe("evaluator_mismatch");
  expect(body.error.details).toMatchObject({ worker: { id: toy.id }, required: { id: fixture.id } });

  const ok = await claim(token, fixture);
  expect([200, 204]).toContain(ok.status());
  if (ok.status() === 200) {
    const { job } = await ok.json();
    const released = await request.post(`/api/v1/worker/jobs/${job.id}/release`, {
      data: { workerId: "e2e-scorer" },
      headers: bearer(token),
    });
    expect(await released.json()).toEqual({ released: true });
  }
  // A job that does not exist: 404, in the error shape.
  const lost = await request.post("/api/v1/worker/jobs/999999/heartbeat", {
    data: { workerId: "e2e-scorer" },
    headers: bearer(token),
  });
  expect(lost.status()).toBe(404);
  expect((await lost.json()).error.code).toBe("not_found");
});
