// Vitest helpers for the upload tests; the input builders live in test-builders.ts.
import fs from "node:fs/promises";
import { expect } from "vitest";
import { AppError, ERROR_STATUS, type ErrorCode } from "../errors";

export * from "./test-builders";

/** Awaits a promise expected to fail with an AppError of `code`, and returns it. */
export async function refusal(p: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, "expected a refusal").toBeInstanceOf(AppError);
  const err = e as AppError;
  expect({ code: err.code, status: err.status, message: err.message }).toMatchObject({ code, status: ERROR_STATUS[code] });
  return err;
}

export async function expectEmpty(dir: string): Promise<void> {
  expect(await fs.readdir(dir)).toEqual([]);
}

