import { describe, expect, it } from "vitest";
import { ownerSentence } from "./run-provenance";

describe("ownerSentence", () => {
  it("says a generated run was requested with the key, not uploaded with it", () => {
    expect(ownerSentence("generated", "lab")).toMatch(/^Generation requested with API key “lab”/);
    expect(ownerSentence("generated", "lab")).not.toMatch(/Uploaded/);
    expect(ownerSentence("uploaded", "lab")).toBe("Uploaded with API key “lab”.");
  });
});
