import { describe, expect, it } from "vitest";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { clearBoardStore } from "./board-store";
import { rankingPageVersion } from "./page-version";
import { dataDirPerTest } from "../../tools/test-support/setup";

dataDirPerTest();

describe("the ranking pages' version (key of the server's HTML cache)", () => {
  it("stays put while nothing changes, and is published for the server", () => {
    const v = rankingPageVersion();
    expect(rankingPageVersion()).toBe(v);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for("t2i-eval.rankingPageVersion")]).toBe(rankingPageVersion);
  });

  it("moves when the app's own connection commits a write", () => {
    const v = rankingPageVersion();
    createPromptSet({ name: "shapes", prompts: [{ prompt: "a red square" }] });
    const w = rankingPageVersion();
    expect(w).not.toBe(v);
    expect(rankingPageVersion()).toBe(w);
  });

  it("moves when a computed board is installed or the store is cleared", () => {
    const v = rankingPageVersion();
    clearBoardStore();
    expect(rankingPageVersion()).not.toBe(v);
  });
});
