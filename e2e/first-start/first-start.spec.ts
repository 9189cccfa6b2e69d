// What a newcomer sees: the suite's server started on an empty data folder (playwright.config.ts),
// so it seeded the toy-world demo. This project runs before every other one, while the demo is
// still the only data: "/" opens on the demo board, scored by the toy-world evaluator (not the
// service's random-weight one), with the four toy variants ranked, every place labelled "toy
// world", and recall and coverage with CIs beside pairwise diversity.
import { expect, test } from "@playwright/test";

const TOY_VARIANTS = ["toy-text-sequence", "toy-clip-text", "toy-clip-image", "toy-clip-image+text"];

test("/ on first start shows the toy-world demo board: four toy variants, toy-world labels, recall and coverage with CIs", async ({
  page,
}) => {
  const res = await page.goto("/");
  expect(res?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("toy-world-demo");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("demo · toy world");
  await expect(page.getByTestId("default-prompt-set")).toContainText("only demo data has runs");
  await expect(page.getByTestId("toy-world-demo-notice")).toContainText("toy-world demo");
  await expect(
    page.getByText("toy-world evaluator: meaningful only on toy-world images").filter({ visible: true }).first(),
  ).toBeVisible();
  // The board's evaluator is the toy one, though the service itself scores new uploads with the random-weight fixture (its banner says so).
  await expect(page.locator("select[name=evaluator]")).toHaveValue(/toy/);

  const rows = page.getByTestId("leaderboard-row");
  await expect(rows).toHaveCount(4);
  const names = (
    await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector("a")?.textContent?.trim() ?? ""))
  ).sort();
  expect(names).toEqual([...TOY_VARIANTS].sort());
  await expect(page.getByTestId("tradeoff-chart").locator(".recharts-legend-item")).toHaveCount(4);

  for (const metric of ["recall", "coverage"]) {
    await page.goto(`/?refMetric=${metric}`);
    const table = page.getByTestId("board-reference").first();
    await expect(table).toBeVisible();
    // 4 variants × 7 guidance scales, each with its diversity and the metric, both with a CI.
    await expect(table.locator("tbody tr")).toHaveCount(28);
    const cells = await table.locator("tbody tr").first().locator("td").allInnerTexts();
    expect(cells[2]).toMatch(/^\d\.\d+\s*\[\d\.\d+, \d\.\d+\]/);
    expect(cells[3]).toMatch(/^\d\.\d+.*\[\d\.\d+, \d\.\d+\]/);
    await expect(page.getByTestId("reference-axis-ranking")).toBeVisible();
  }
});
