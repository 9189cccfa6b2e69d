import { expect, test } from "@playwright/test";
import { auth, makeSamples, manifestJsonl, uniqueName, type SampleFile } from "../helpers";

function form(fields: Record<string, string>, files: SampleFile[]): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append("manifest", new Blob([manifestJsonl(files)]), "manifest.jsonl");
  for (const f of files) fd.append("images", new Blob([new Uint8Array(f.data)]), f.name);
  return fd;
}

const PROMPTS = ["a teal ring", "a pink star", "a brown square"];

test("reference sets show on their pages, the run page and the leaderboard with a metric picker", async ({ page, request }) => {
  const set = uniqueName("ui-refps");
  expect((await request.post("/api/v1/prompt-sets", { data: { name: set, prompts: PROMPTS.map((prompt) => ({ prompt })) }, headers: auth() })).status()).toBe(201);
  const name = uniqueName("ui-real");
  const ref = await (await request.post("/api/v1/reference-sets", { multipart: form({ name, promptSet: set }, await makeSamples(PROMPTS, 6)), headers: auth() })).json();
  const variant = uniqueName("ui-refvar");
  const run = await (
    await request.post("/api/v1/runs", { multipart: form({ variant, conditioningType: "text_sequence", guidanceScale: "2", promptSet: set }, await makeSamples(PROMPTS, 6)), headers: auth() })
  ).json();
  await expect
    .poll(async () => (await (await request.get(`/api/v1/runs/${run.id}`)).json()).metrics?.reference?.length ?? 0, { timeout: 60_000 })
    .toBe(1);

  await page.goto("/reference-sets");
  await page.getByRole("link", { name }).click();
  await expect(page.getByTestId("reference-set-scope")).toContainText(`18 images · tied to prompt set ${set} v1`);
  await expect(page.getByTestId("reference-prompts").getByRole("listitem")).toHaveCount(3);
  await expect(page.getByTestId("reference-metrics").locator("tbody tr")).toHaveCount(1);

  await page.goto(`/runs/${run.id}`);
  const table = page.getByTestId("reference-metrics");
  await expect(table.getByRole("link", { name: `${name} v1` })).toHaveAttribute("href", `/reference-sets/${ref.id}`);
  // 18 samples in the evaluator's 512-d space: FD is shown, flagged with its reason.
  await expect(table.getByTestId("ref-fd")).toContainText("⚠");
  await expect(table.getByTestId("ref-fd")).toHaveAttribute("title", /dimension|noisy/);

  await page.goto(`/?promptSet=${encodeURIComponent(set)}`);
  const board = page.getByTestId("board-reference");
  await expect(board.locator("tbody tr")).toHaveCount(1);
  // Recall (the default pick) also switches the ranking's diversity axis, same method.
  await expect(page.getByTestId("reference-axis-ranking")).toContainText(variant);
  const recall = (await board.getByTestId("board-reference-value").textContent())!;
  expect(recall).toMatch(/\d\.\d{3}.*\[\d\.\d{3}, \d\.\d{3}\]/);
  await page.getByTestId("ref-metric-picker").selectOption("coverage");
  await page.locator("section[aria-labelledby=reference]").getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/refMetric=coverage/);
  await expect(page.getByTestId("board-reference").locator("thead")).toContainText("coverage (k = 5)");
  await page.screenshot({ path: "test-results/leaderboard-reference.png", fullPage: true });
});
