import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { workerTokens } from "../../db/schema";
import { requireWorkerToken } from "../http/auth";
import { createApiKey } from "./api-keys";
import {
  createWorkerToken,
  listWorkerTokens,
  recordDeclaredVariants,
  revokeWorkerToken,
  verifyWorkerToken,
} from "./worker-tokens";
import { ENTRY_POINTS } from "../core/entry-points";
import { dataDirPerTest } from "../../tools/test-support/setup";

dataDirPerTest();

const req = (auth?: string) =>
  new Request("http://localhost/api/v1/worker/claim", { method: "POST", headers: auth ? { authorization: auth } : {} });

describe("worker tokens", () => {
  it("return the secret once, store only its hash, verify until revoked, and are not API keys", () => {
    const token = createWorkerToken("gpu-1");
    expect(token.secret).toMatch(/^t2iw_[A-Za-z0-9_-]{43}$/);
    expect(token.id).toMatch(/^wtk_[0-9a-z]{16}$/);
    expect(token.prefix).toBe(token.secret.slice(0, 13));
    const raw = JSON.stringify(getDb().$client.prepare("select * from worker_tokens").all());
    expect(raw).not.toContain(token.secret.slice(13));
    expect(getDb().select().from(workerTokens).get()!.tokenHash).toMatch(/^[0-9a-f]{64}$/);

    expect(verifyWorkerToken(token.secret)).toMatchObject({
      id: token.id,
      name: "gpu-1",
      lastSeenAt: expect.any(Date),
    });
    expect(requireWorkerToken(req(`Bearer ${token.secret}`)).id).toBe(token.id);
    const key = createApiKey("not-a-worker");
    expect(() => requireWorkerToken(req(`Bearer ${key.secret}`))).toThrow(/API keys are not accepted here/);
    expect(() => requireWorkerToken(req())).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => requireWorkerToken(req("Bearer t2iw_wrong"))).toThrow(
      expect.objectContaining({ status: 401, headers: { "WWW-Authenticate": 'Bearer realm="t2i-eval"' } }),
    );

    recordDeclaredVariants(verifyWorkerToken(token.secret)!, ["b", "a", "b"]);
    expect(listWorkerTokens()).toMatchObject([{ id: token.id, variants: ["a", "b"] }]);
    expect(listWorkerTokens()[0]).not.toHaveProperty("tokenHash");

    expect(revokeWorkerToken(token.id).revokedAt).toBeInstanceOf(Date);
    expect(verifyWorkerToken(token.secret)).toBeUndefined();
    expect(() => revokeWorkerToken("wtk_missing")).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => createWorkerToken(" ")).toThrow(expect.objectContaining({ status: 422 }));
  });

  it("are managed from the command line", () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", path.resolve(ENTRY_POINTS.workerToken), ...args], {
        encoding: "utf8",
        env: process.env,
      });
    const created = cli("create", "--name", "h100-box");
    expect(created.status, created.stderr).toBe(0);
    const secret = /t2iw_[A-Za-z0-9_-]{43}/.exec(created.stdout)![0];
    expect(created.stdout).toMatch(/shown only this once/);
    const id = /wtk_[0-9a-z]{16}/.exec(created.stdout)![0];
    expect(verifyWorkerToken(secret)?.id).toBe(id);

    const listed = cli("list");
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain("h100-box");
    expect(listed.stdout).not.toContain(secret);
    expect(cli("revoke", "--id", id).status).toBe(0);
    expect(verifyWorkerToken(secret)).toBeUndefined();
    expect(cli("revoke", "--id", "wtk_nope")).toMatchObject({
      status: 1,
      stderr: expect.stringContaining("no worker token"),
    });
    expect(cli("--help")).toMatchObject({ status: 0, stdout: expect.stringContaining("create --name NAME") });
    expect(cli("create").status).toBe(2);
    expect(cli("frobnicate").status).toBe(2);
  });
});
