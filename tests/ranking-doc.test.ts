// docs/reference/ranking.md holds the method text of /about/ranking, generated from the constants the
// ranking runs with (lib/ranking/method-doc.ts): this test fails when the page is stale.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { RANKING_METHOD } from "../lib/ranking";

const START = "<!-- method:start (generated from lib/ranking/method-doc.ts; tests/ranking-doc.test.ts) -->";
const END = "<!-- method:end -->";

/** The page's method block: RANKING_METHOD with its headings one level down, under the page's own title. */
const methodBlock = () => RANKING_METHOD.replace(/^(#+) /gm, "#$1 ").trim();

describe("docs/reference/ranking.md", () => {
  it("states the method exactly as /about/ranking does (regenerate the block between the markers if this fails)", () => {
    const page = fs.readFileSync("docs/reference/ranking.md", "utf8");
    const a = page.indexOf(START);
    const b = page.indexOf(END);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThan(a);
    expect(page.slice(a + START.length, b).trim()).toBe(methodBlock());
  });
});
