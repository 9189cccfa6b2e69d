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

test("the demo board states its level rule (its reference set's own diversity), the observed window and its MDE", async ({
  page,
  request,
}) => {
  await page.goto("/");
  await expect(page.getByTestId("level-rule")).toContainText(
    "the default level, the per-prompt diversity of reference set",
  );
  // The window where every curve is observed, or, when they share none, each variant's observed range.
  await expect(page.getByTestId("level-window")).toContainText(
    /Every listed curve is observed between diversity \d\.\d{3} and \d\.\d{3}|share no diversity range \(observed: toy-/,
  );
  await expect(page.getByTestId("board-mde")).toContainText(/with 80% power: \d+\.\d{2} points/);
  await expect(page.getByTestId("replicates").first()).toContainText("model-level variance unknown");
  await expect(page.getByTestId("power-section")).toBeVisible();
  // The calculator answers from the board's own variance components.
  await page.getByTestId("power-target").fill("1");
  await page.getByRole("button", { name: "How many prompts?" }).click();
  await expect(page.getByTestId("power-answer")).toContainText(/To find a difference of 1\.00 points|cannot be found/);

  const api = (await (await request.get("/api/v1/leaderboard?promptSet=toy-world-demo")).json()) as {
    evaluators: {
      fixture: boolean;
      ranking: { diversity: { source: string; dependsOnVariants: boolean }; power: { mde: number } };
    }[];
  };
  const toy = api.evaluators.find((e) => !e.fixture)!;
  expect(toy.ranking.diversity).toMatchObject({ source: "reference-set", dependsOnVariants: false });
  expect(toy.ranking.power.mde).toBeGreaterThan(0);

  // FD and CMMD intervals contain their estimates (bias-corrected), on every demo run.
  for (const metric of ["fd", "cmmd"]) {
    const ref = (await (
      await request.get(`/api/v1/reference-metrics?promptSet=toy-world-demo&metric=${metric}`)
    ).json()) as { rows: { value: number; low: number | null; high: number | null; label: string }[] };
    expect(ref.rows.length).toBeGreaterThan(0);
    expect(ref.rows[0]!.label).toMatch(metric === "fd" ? /^FD_\S*toy/ : /^CMMD_\S*toy.*×1000, σ = 10/);
    for (const r of ref.rows) {
      if (r.low === null) continue;
      expect(r.low).toBeLessThanOrEqual(r.value);
      expect(r.high!).toBeGreaterThanOrEqual(r.value);
    }
  }
});

test("/compare with the 4 demo variants computes every pair at the level it shows, with prompt texts", async ({
  page,
  request,
}) => {
  const board = (await (
    await request.get("/api/v1/leaderboard/export?promptSet=toy-world-demo&format=json")
  ).json()) as { rows: { variantId: string }[]; diversity: { value: number } };
  const ids = board.rows.slice(0, 4).map((r) => r.variantId);
  await page.goto(`/compare?promptSet=toy-world-demo&${ids.map((id) => `v=${id}`).join("&")}`);
  const shown = board.diversity.value.toFixed(3);
  await expect(page.getByRole("heading", { name: `Every pair at diversity ${shown}` })).toBeVisible();
  await expect(page.getByTestId("compare-level-rule")).toContainText("the board's default level");
  await expect(page.getByTestId("compare-pair")).toHaveCount(6);
  // Each pair is either computed or marked not comparable at that same level.
  for (const row of await page.getByTestId("pair-not-comparable").all())
    await expect(row).toContainText(`not comparable at diversity ${shown}`);
  await expect(page.getByTestId("compare-prompt-text").first()).not.toHaveText(/^\d+$/);
});
