// The generated reference pages must match the code they come from: a change to a metric, an
// environment variable or a ranking constant that forgets `npm run docs:generate` fails here.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { listMetrics } from "../../lib/metrics";
import { DISTRIBUTION_METRICS } from "../../lib/metrics/distribution";
import { configurationRows, METRIC_SOURCES, REFERENCE_PAGES, renderMetricsPage, topComment } from "./reference-pages";

describe("generated reference pages", () => {
  for (const page of REFERENCE_PAGES)
    it(`${page.path} is what \`npm run docs:generate\` writes now`, () => {
      const committed = fs.existsSync(page.path) ? fs.readFileSync(page.path, "utf8") : "(missing)";
      // On failure: run `npm run docs:generate` and commit the page.
      expect(committed, `${page.path} is stale: run npm run docs:generate`).toBe(page.render());
    });

  it("describes every environment variable of lib/core/config.ts", () => {
    const rows = configurationRows();
    expect(rows.length).toBeGreaterThan(30);
    expect(rows.filter((r) => !r.description?.trim()).map((r) => r.name)).toEqual([]);
  });

  it("reads type and default from the schema, and refuses a variable without a description", () => {
    const schema = z.object({
      T2I_X_BYTES: z.coerce
        .number()
        .int()
        .min(1)
        .default(2 * 1024 ** 3)
        .describe("x"),
      T2I_Y_MS: z.coerce.number().int().min(10).max(100).default(30_000).describe("y"),
      T2I_Z: z.enum(["a", "b"]).optional(),
    });
    expect(configurationRows(schema)).toEqual([
      { name: "T2I_X_BYTES", type: "integer ≥ 1", default: "`2147483648` (2 GiB)", description: "x" },
      { name: "T2I_Y_MS", type: "integer 10–100", default: "`30000` (30 s)", description: "y" },
      { name: "T2I_Z", type: "`a` | `b`", default: "unset", description: undefined },
    ]);
  });

  it("documents every metric from its own file's top comment", () => {
    const names = [...listMetrics().map((m) => m.name), ...DISTRIBUTION_METRICS.map((m) => m.name)];
    expect(names.filter((n) => !METRIC_SOURCES[n] || !fs.existsSync(METRIC_SOURCES[n]!))).toEqual([]);
    const page = renderMetricsPage();
    for (const n of names) expect(page).toContain(topComment(METRIC_SOURCES[n]!).split("\n")[0]);
  });
});
