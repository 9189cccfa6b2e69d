import { describe, expect, it } from "vitest";
import { conditioningTypeSchema } from "../../db/schema";
import { createRun } from "../runs/create-run";
import { makeRunInput } from "../../tools/test-support/runs";
import { createVariant } from "./create-variant";
import { getVariantOrThrow } from "./get-variant-or-throw";
import { listVariants } from "./list-variants";
import { dataDirPerTest } from "../../tools/test-support/setup";

const data = dataDirPerTest();

describe("variants", () => {
  it("are created with a conditioning type and links, found by name or id, and listed with run counts", async () => {
    const v = createVariant({
      name: "unclip-img+txt",
      conditioningType: "clip_image_embedding+text_sequence",
      model: "unCLIP",
      links: ["https://arxiv.org/abs/2204.06125"],
    });
    expect(v).toMatchObject({
      id: expect.stringMatching(/^var_/),
      links: ["https://arxiv.org/abs/2204.06125"],
      isDemo: false,
    });
    createVariant({ name: "glide", conditioningType: "text_sequence" });
    await createRun({
      ...(await makeRunInput(data.dir)),
      variant: "unclip-img+txt",
      createVariantIfMissing: undefined,
    });
    expect(getVariantOrThrow("unclip-img+txt")).toMatchObject({ id: v.id, runCount: 1, scoredRunCount: 0 });
    expect(getVariantOrThrow(v.id).name).toBe("unclip-img+txt");
    expect(listVariants().map((x) => [x.name, x.runCount])).toEqual([
      ["glide", 0],
      ["unclip-img+txt", 1],
    ]);
  });

  it("refuse a taken name (409), bad input (422) and unknown names (404)", () => {
    createVariant({ name: "a", conditioningType: "other" });
    expect(() => createVariant({ name: "a", conditioningType: "other" })).toThrow(
      expect.objectContaining({ status: 409 }),
    );
    expect(() => createVariant({ name: "b", conditioningType: "pixels" as never })).toThrow(
      expect.objectContaining({ status: 422 }),
    );
    expect(() => createVariant({ name: "c", conditioningType: "other", links: ["not a url"] })).toThrow(
      expect.objectContaining({ status: 422 }),
    );
    for (const link of [
      "javascript:alert(1)",
      "data:text/html,<b>x</b>",
      "file:///etc/passwd",
      "ftp://example.org/x",
    ]) {
      expect(() => createVariant({ name: "c", conditioningType: "other", links: [link] }), link).toThrow(
        expect.objectContaining({ status: 422, message: expect.stringContaining("http(s)") }),
      );
    }
    expect(
      createVariant({
        name: "c",
        conditioningType: "other",
        links: ["http://localhost:8080/model", "https://example.org/x"],
      }).links,
    ).toHaveLength(2);
    expect(() => getVariantOrThrow("zzz")).toThrow(expect.objectContaining({ status: 404 }));
    expect(conditioningTypeSchema.options).toEqual([
      "text_sequence",
      "clip_image_embedding",
      "clip_text_embedding",
      "clip_image_embedding+text_sequence",
      "other",
    ]);
  });
});
