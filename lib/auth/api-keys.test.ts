import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { apiKeys } from "../../db/schema";
import { config } from "../core/config";
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from "./api-keys";
import { ENTRY_POINTS } from "../core/entry-points";
import { dataDirPerTest } from "../../tools/test-support/setup";

dataDirPerTest();

describe("API keys", () => {
  it("return the secret once, store only its hash, and verify until revoked", () => {
    const key = createApiKey("ci");
    expect(key.secret).toMatch(/^t2i_[A-Za-z0-9_-]{43}$/);
    expect(key.prefix).toBe(key.secret.slice(0, 12));
    const raw = JSON.stringify(getDb().$client.prepare("select * from api_keys").all());
    expect(raw).not.toContain(key.secret);
    expect(raw).not.toContain(key.secret.slice(12));
    expect(getDb().select().from(apiKeys).get()!.keyHash).toMatch(/^[0-9a-f]{64}$/);

    expect(verifyApiKey(key.secret)).toMatchObject({ id: key.id, name: "ci", lastUsedAt: expect.any(Date) });
    expect(verifyApiKey(key.secret.slice(0, -1) + (key.secret.endsWith("A") ? "B" : "A"))).toBeUndefined();
    expect(verifyApiKey("")).toBeUndefined();
    expect(listApiKeys().map((k) => k.id)).toEqual([key.id]);
    expect(listApiKeys()[0]).not.toHaveProperty("keyHash");

    expect(revokeApiKey(key.id).revokedAt).toBeInstanceOf(Date);
    expect(verifyApiKey(key.secret)).toBeUndefined();
    expect(() => revokeApiKey("key_missing")).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => createApiKey("  ")).toThrow(expect.objectContaining({ status: 422 }));
    expect(createApiKey("other").secret).not.toBe(key.secret);
  });

  it("are managed from the command line", () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", path.resolve(ENTRY_POINTS.apikey), ...args], {
        encoding: "utf8",
        env: process.env,
      });
    const created = cli("create", "--name", "laptop");
    expect(created.status).toBe(0);
    const secret = /t2i_[A-Za-z0-9_-]{43}/.exec(created.stdout)![0];
    expect(created.stdout).toMatch(/shown only this once/);
    expect(created.stdout).toContain(`Written to database ${config().dbPath}`);
    const id = /key_[0-9a-z]{16}/.exec(created.stdout)![0];
    expect(verifyApiKey(secret)?.id).toBe(id);

    const listed = cli("list");
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(secret);
    expect(cli("revoke", "--id", id).status).toBe(0);
    expect(verifyApiKey(secret)).toBeUndefined();
    expect(cli("revoke", "--id", "key_nope")).toMatchObject({
      status: 1,
      stderr: expect.stringContaining("no API key"),
    });
    expect(cli("--help")).toMatchObject({ status: 0, stdout: expect.stringContaining("create --name NAME") });
    expect(cli("frobnicate").status).toBe(2);
    const typo = cli("create", "--nmae", "x");
    expect(typo).toMatchObject({ status: 2, stderr: expect.stringContaining("Usage: npm run apikey") });
    expect(typo.stderr).not.toMatch(/\n\s+at /);
  });

  it("are admin unless made with --role submitter; an unknown role is refused", () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", path.resolve(ENTRY_POINTS.apikey), ...args], {
        encoding: "utf8",
        env: process.env,
      });
    const admin = cli("create", "--name", "server-admin");
    expect(admin.stdout).toContain("with role admin");
    const sub = cli("create", "--name", "alice", "--role", "submitter");
    expect(sub.stdout).toContain("with role submitter");
    expect(verifyApiKey(/t2i_[A-Za-z0-9_-]{43}/.exec(sub.stdout)![0])).toMatchObject({
      name: "alice",
      role: "submitter",
    });
    expect(cli("create", "--name", "x", "--role", "owner")).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("--role must be admin or submitter"),
    });
    expect(cli("list").stdout).toMatch(/submitter/);
    expect(createApiKey("direct").role).toBe("admin");
    expect(() => createApiKey("bad", "root" as never)).toThrow(expect.objectContaining({ status: 422 }));
  });
});
