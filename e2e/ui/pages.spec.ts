import fs from "node:fs/promises";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { zipBuffer } from "../../tools/test-support/uploads";
import { workUntilIdle } from "../fake-worker";
import { apiKey, auth, makeSamples, uniqueName } from "../helpers";

async function shot(page: Page, info: TestInfo, name: string) {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: "image/png" });
}

const numbers = async (page: Page, col: number) =>
  (await page.locator(`[data-testid=leaderboard-row] td:nth-child(${col})`).allInnerTexts()).map((t) => parseFloat(t));

test("the leaderboard loads with demo data, sorts, and filters by conditioning type", async ({ page }, info) => {
  // Named explicitly: once the API specs have made runs on real prompt sets, "/" opens on one of those (lib/leaderboard/default-prompt-set.ts).
  await page.goto("/?promptSet=toy-world-demo");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("toy-world-demo");
  // Scored by the toy-world evaluator, not the service's random-weight one, and labelled as the toy world.
  await expect(
    page.getByText("toy-world evaluator: meaningful only on toy-world images").filter({ visible: true }).first(),
  ).toBeVisible();
  await expect(page.getByTestId("toy-world-demo-notice")).toBeVisible();
  const rows = page.getByTestId("leaderboard-row");
  expect(await rows.count()).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId("tradeoff-chart").locator("svg.recharts-surface").first()).toBeVisible();
  await shot(page, info, "leaderboard");

  await page.getByTestId("sort-bestClipScore").click();
  await expect(page).toHaveURL(/sort=bestClipScore/);
  const best = await numbers(page, 4);
  expect(best).toEqual([...best].sort((a, b) => b - a));
  await page.getByTestId("sort-bestClipScore").click();
  await expect(page).toHaveURL(/dir=asc/);
  const asc = await numbers(page, 4);
  expect(asc).toEqual([...asc].sort((a, b) => a - b));

  await page.getByLabel("Conditioning").selectOption("clip_text_embedding");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/type=clip_text_embedding/);
  await expect(page.getByTestId("leaderboard-table")).not.toContainText("toy-text-sequence");
  const csv = await page.request.get(
    (await page.locator('a[href^="/api/v1/plot-data"]').filter({ hasText: "CSV" }).first().getAttribute("href"))!,
  );
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect((await csv.text()).split("\n")[0]).toContain("guidanceScale");
});

test("a variant page shows its curve and runs; a run page shows metrics, a sortable table and sample grids", async ({
  page,
}, info) => {
  // The demo board: the default board is whichever set the api project made first.
  await page.goto("/?promptSet=toy-world-demo");
  await page.getByTestId("leaderboard-row").first().getByRole("link").first().click();
  await expect(page).toHaveURL(/\/variants\//);
  await expect(page.getByTestId("tradeoff-chart").locator(".recharts-scatter-symbol").first()).toBeVisible();
  await expect(page.getByTestId("tradeoff-chart")).toContainText("w = guidance scale");
  await shot(page, info, "variant");

  await page.getByTestId("variant-runs").getByRole("link").first().click();
  await expect(page).toHaveURL(/\/runs\/run_/);
  await expect(page.getByTestId("run-progress")).toHaveAttribute("data-status", "scored");
  await expect(page.getByTestId("metric-clipScore")).toContainText("95% CI");
  await page.getByRole("link", { name: /^Diversity/ }).click();
  await expect(page).toHaveURL(/sort=diversity/);
  const divs = (await page.locator("[data-testid=prompt-table] tbody td:nth-child(4)").allInnerTexts()).map(parseFloat);
  expect(divs).toEqual([...divs].sort((a, b) => b - a));
  const grid = page.getByTestId("sample-grid").first();
  await expect(grid.locator("img")).toHaveCount(8);
  await grid.locator("img").first().scrollIntoViewIfNeeded();
  await expect
    .poll(() =>
      grid
        .locator("img")
        .first()
        .evaluate((img: HTMLImageElement) => img.naturalWidth),
    )
    .toBeGreaterThan(0);
  await shot(page, info, "run");
});

test("an archive uploaded through /upload is scored and appears on the leaderboard", async ({ page }, info) => {
  const variant = uniqueName("ui-upload");
  // A prompt set of its own: a run on the demo set scored by the service's evaluator would switch the demo board to that evaluator for the specs after this one.
  const set = uniqueName("ui-upload-set");
  expect(
    (
      await page.request.post("/api/v1/prompt-sets", {
        data: {
          name: set,
          prompts: [{ id: "roses-vase", prompt: "A green vase filled with red roses sitting on top of table" }],
        },
        headers: auth(),
      })
    ).status(),
  ).toBe(201);
  const samples = await makeSamples(["A green vase filled with red roses sitting on top of table"], 3);
  const manifest = samples
    .map((s) => JSON.stringify({ file: s.name, prompt_id: "roses-vase", seed: s.seed }))
    .join("\n");
  const zipPath = info.outputPath("batch.zip");
  await fs.writeFile(
    zipPath,
    await zipBuffer([
      { name: "manifest.jsonl", data: Buffer.from(manifest) },
      ...samples.map((s) => ({ name: s.name, data: s.data })),
    ]),
  );

  await page.goto("/upload");
  await page.getByTestId("archive-input").setInputFiles(zipPath);
  await page.getByLabel("Variant", { exact: true }).fill(variant);
  await page.getByLabel(/Conditioning/).selectOption("clip_text_embedding");
  await page.getByLabel("Guidance scale").fill("4");
  await page.getByLabel(/Prompt set/).fill(set);
  await page.getByLabel("API key").fill(apiKey());
  await shot(page, info, "upload-filled");
  await page.getByRole("button", { name: "Upload and score" }).click();
  await expect(page).toHaveURL(/\/runs\/run_/, { timeout: 30_000 });
  await expect(page.getByTestId("run-progress")).toHaveAttribute("data-status", "scored", { timeout: 60_000 });
  await expect(page.getByTestId("metric-clipScore")).toBeVisible();
  await shot(page, info, "uploaded-run");

  await page.goto(`/?promptSet=${set}`);
  await expect(page.getByTestId("leaderboard-table").getByRole("link", { name: variant })).toBeVisible();
});

test("an invalid upload shows its errors inline, next to what caused them", async ({ page }, info) => {
  const zipPath = info.outputPath("bad.zip");
  await fs.writeFile(
    zipPath,
    await zipBuffer([
      { name: "manifest.jsonl", data: Buffer.from('{"file":"fake.png","prompt":"a cat"}\n') },
      { name: "fake.png", data: Buffer.from("not an image") },
    ]),
  );
  await page.goto("/upload");
  await page.getByLabel("API key").fill(apiKey());
  await page.getByRole("button", { name: "Upload and score" }).click();
  await expect(page.getByTestId("error-archive")).toContainText("Choose or drop");

  await page.getByTestId("archive-input").setInputFiles(zipPath);
  await page.getByLabel("Guidance scale").fill("3");
  await page.getByRole("button", { name: "Upload and score" }).click();
  await expect(page.getByTestId("error-variant")).toBeVisible();
  await expect(page.getByLabel("Variant", { exact: true })).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Variant", { exact: true }).fill(uniqueName("bad"));
  await page.getByLabel(/Conditioning/).selectOption("other");
  await page.getByRole("button", { name: "Upload and score" }).click();
  await expect(page.getByTestId("error-archive")).toContainText("fake.png");
  await shot(page, info, "upload-error");

  await page.getByLabel("API key").fill("t2i_wrong");
  await page.getByRole("button", { name: "Upload and score" }).click();
  await expect(page.getByTestId("error-apiKey")).toContainText(/API key/);
});

test("samples requested on a variant page are generated by a worker, with progress on the run page, then scored", async ({
  page,
}, info) => {
  const variant = uniqueName("ui-gen");
  const set = uniqueName("ui-gen-set");
  expect(
    (
      await page.request.post("/api/v1/variants", {
        data: { name: variant, conditioningType: "text_sequence" },
        headers: auth(),
      })
    ).status(),
  ).toBe(201);
  expect(
    (
      await page.request.post("/api/v1/prompt-sets", {
        data: { name: set, prompts: [{ prompt: "a yellow star" }, { prompt: "a green triangle" }] },
        headers: auth(),
      })
    ).status(),
  ).toBe(201);

  await page.goto(`/variants/${variant}`);
  const form = page.getByTestId("generate-form");
  await form.getByLabel("Prompt set").selectOption(set);
  await form.getByLabel("Guidance scales").fill("2, lots");
  await form.getByLabel("API key").fill(apiKey());
  await form.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("gen-error-guidanceScales")).toContainText("numbers separated by commas");
  await expect(form.getByLabel("Guidance scales")).toHaveAttribute("aria-invalid", "true");

  // The server's own validation lands next to the field too.
  await form.getByLabel("Guidance scales").fill("2, 6");
  await form.getByLabel("Samples per prompt").fill("100");
  await form.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("gen-error-samplesPerPrompt")).toBeVisible();

  await form.getByLabel("Samples per prompt").fill("2");
  await form.getByLabel(/Size/).fill("64");
  await shot(page, info, "generate-filled");
  await form.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("generate-result")).toContainText(/Generation gen_\w+ queued: 8 samples in 4 tasks/);
  await expect(page.getByTestId("variant-runs").getByText("generating")).toHaveCount(2);
  await shot(page, info, "generate-queued");

  await page.getByTestId("generate-result").getByRole("link", { name: "guidance 2" }).click();
  await expect(page).toHaveURL(/\/runs\/run_/);
  await expect(page.getByTestId("run-progress")).toHaveAttribute("data-status", "generating");
  await expect(page.getByTestId("generation-progress")).toContainText("generated 0 / 4 samples");
  await expect(page.getByRole("progressbar", { name: "Generation progress" })).toHaveAttribute("aria-valuemax", "4");

  await workUntilIdle(page.request, [variant]);
  await expect(page.getByTestId("run-progress")).toHaveAttribute("data-status", "scored", { timeout: 60_000 });
  await expect(page.getByTestId("generation-progress")).toContainText("generated 4 / 4 samples");
  await expect(page.getByTestId("metric-clipScore")).toBeVisible();
  await expect(page.getByTestId("sample-grid")).toHaveCount(2);
  await shot(page, info, "generated-run");
});

test("the compare page shows both curves, the matched-diversity difference and per-prompt results", async ({
  page,
}, info) => {
  await page.goto("/compare?promptSet=toy-world-demo");
  const chart = page.getByTestId("tradeoff-chart");
  await expect(chart.locator(".recharts-legend-item")).toHaveCount(2);
  await expect(page.getByTestId("compare-verdict")).toContainText(/Difference A − B|Not comparable/);
  await expect(page.getByTestId("compare-prompts").locator("tbody tr")).toHaveCount(8);
  await shot(page, info, "compare");
});

test("the API reference and the ranking method render", async ({ page }, info) => {
  await page.goto("/docs/api");
  expect(await page.getByTestId("api-op").count()).toBeGreaterThanOrEqual(10);
  await expect(page.getByText("/api/v1/runs").first()).toBeVisible();
  await shot(page, info, "api-docs");
  await page.goto("/about/ranking");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator("article")).toContainText("0.05");
});

test("pages work on a phone-sized screen", async ({ page }, info) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  await expect(page.getByTestId("leaderboard-table")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  await shot(page, info, "leaderboard-phone");
});
