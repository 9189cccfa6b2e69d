// Vitest helpers for the upload tests; the input builders live in test-builders.ts.
import fs from "node:fs/promises";
import { afterAll, beforeEach, expect } from "vitest";
import { AppError, ERROR_STATUS, type ErrorCode } from "../../lib/core/errors";

import { tempDir } from "./uploads";

export * from "./uploads";

/** A fresh staging root before each test of the calling file, all removed after it; call `root()` in a test. */
export function useStagingRoots(): () => string {
  let root = "";
  const roots: string[] = [];
  beforeEach(async () => {
    root = await tempDir();
    roots.push(root);
  });
  afterAll(async () => {
    for (const r of roots) await fs.rm(r, { recursive: true, force: true });
  });
  return () => root;
}

/** Awaits a promise expected to fail with an AppError of `code`, and returns it. */
export async function refusal(p: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, "expected a refusal").toBeInstanceOf(AppError);
  const err = e as AppError;
  expect({ code: err.code, status: err.status, message: err.message }).toMatchObject({
    code,
    status: ERROR_STATUS[code],
  });
  return err;
}

export async function expectEmpty(dir: string): Promise<void> {
  expect(await fs.readdir(dir)).toEqual([]);
}
