// Where the upload forms show the server's errors (app/_components/upload-request.ts): each
// message lands under the input or file that caused it.
import { describe, expect, it } from "vitest";
import { errorsFor } from "../app/_components/upload-request";

const FIELDS = ["apiKey", "name", "promptSet", "files"] as const;
const iso = (s: string) => `\u2068${s}\u2069`;

describe("errorsFor", () => {
  it("puts 401 under the API key and 413/415 under the files", () => {
    expect(errorsFor(401, { code: "unauthorized", message: "bad key" }, FIELDS, "files")).toEqual({
      apiKey: "bad key",
    });
    expect(
      errorsFor(
        413,
        { code: "payload_too_large", message: "too big", details: { limit: "maxBytes" } },
        FIELDS,
        "files",
      ),
    ).toEqual({ files: "too big" });
  });

  it("puts zod issues under their field, and unknown paths under the files", () => {
    const err = {
      code: "validation_failed",
      message: "bad",
      details: {
        issues: [
          { path: "name", message: "too long" },
          { path: "items", message: "needs 2 images" },
          { path: "name", message: "bad start" },
        ],
      },
    };
    expect(errorsFor(422, err, FIELDS, "files")).toEqual({
      name: "name: too long; bad start",
      files: "items: needs 2 images",
    });
  });

  it("lists per-file problems, missing and duplicate names under the files, and unknown prompts under the prompt set", () => {
    const files = errorsFor(
      422,
      {
        code: "validation_failed",
        message: "2 images failed",
        details: { files: [{ file: "a.png", code: "decode", message: "not an image" }], missingFiles: ["b.png"] },
      },
      FIELDS,
      "files",
    );
    expect(files).toEqual({
      files: `2 images failed\n${iso("a.png")}: not an image\nmissing from the upload: ${iso("b.png")}`,
    });
    const dup = errorsFor(
      422,
      {
        code: "validation_failed",
        message: "1 file name(s) appear more than once",
        details: { duplicateFiles: ["c.png"] },
      },
      FIELDS,
      "files",
    );
    expect(dup.files).toContain(`named more than once: ${iso("c.png")}`);
    const prompts = errorsFor(
      422,
      {
        code: "validation_failed",
        message: "1 prompt(s) are not in prompt set",
        details: { unknownPrompts: ["a dog"] },
      },
      FIELDS,
      "files",
    );
    expect(prompts).toEqual({ promptSet: `1 prompt(s) are not in prompt set: ${iso("a dog")}` });
  });

  it("lets a form place its own cases first", () => {
    const err = { code: "validation_failed", message: "unknown variant", details: { variant: "v1" } };
    expect(
      errorsFor(422, err, FIELDS, "files", (d) => (typeof d.variant === "string" ? { name: "pick one" } : null)),
    ).toEqual({ name: "pick one" });
    expect(errorsFor(422, err, FIELDS, "files")).toEqual({ files: "unknown variant" });
  });
});
