// GET /api/v1/plot-data names what a view needs before it looks anything up: view=variant without
// `variant` is a 422 saying so (it was a 404 about a variant called "undefined").
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GET } from "../app/api/v1/plot-data/route";
import { removeDataDir, useTempDataDir } from "../tools/test-support/runs";

let dir: string;
beforeEach(() => {
  dir = useTempDataDir();
});
afterEach(() => removeDataDir(dir));

describe("plot-data's view parameters", () => {
  it.each([
    ["view=variant", "view=variant&promptSet=demo", /view=variant needs variant/],
    ["view=compare", "view=compare&promptSet=demo&a=x", /view=compare needs a and b/],
  ])("%s without its variant(s) is a 422 naming what is missing", async (_name, query, message) => {
    const res = await GET(new Request(`http://x/api/v1/plot-data?${query}`), undefined);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toMatch(message);
  });
});
