import fs from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { zipBuffer } from "../../tools/test-support/uploads";
import { apiKey, auth, makeSamples, manifestJsonl, uniqueName, type SampleFile } from "../helpers";

function form(fields: Record<string, string>, files: SampleFile[]): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append("manifest", new Blob([manifestJsonl(files)]), "manifest.jsonl");
  for (const f of files) fd.append("images", new Blob([new Uint8Array(f.data)]), f.name);
  return fd;
}

const PROMPTS = ["a teal ring", "a pink star", "a brown square"];

test("reference sets show on their pages, the run page and the leaderboard with a metric picker", async ({
  page,
  request,
}) => {
  const set = uniqueName("ui-refps");
  expect(
    (
      await request.post("/api/v1/prompt-sets", {
        data: { name: set, prompts: PROMPTS.map((prompt) => ({ prompt })) },
        headers: auth(),
      })
    ).status(),
  ).toBe(201);
  const name = uniqueName("ui-real");
  const ref = await (
    await request.post("/api/v1/reference-sets", {
      multipart: form({ name, promptSet: set }, await makeSamples(PROMPTS, 6)),
      headers: auth(),
    })
  ).json();
  const variant = uniqueName("ui-refvar");
  const run = await (
    await request.post("/api/v1/runs", {
      multipart: form(
        { variant, conditioningType: "text_sequence", guidanceScale: "2", promptSet: set },
        await makeSamples(PROMPTS, 6),
      ),
      headers: auth(),
    })
  ).json();
  await expect
    .poll(async () => (await (await request.get(`/api/v1/runs/${run.id}`)).json()).metrics?.reference?.length ?? 0, {
      timeout: 60_000,
    })
    .toBe(1);

  await page.goto("/reference-sets");
  await page.getByRole("link", { name }).click();
  await expect(page.getByTestId("reference-set-scope")).toContainText(`18 images · tied to prompt set ${set} v1`);
  await expect(page.getByTestId("reference-prompts").getByRole("listitem")).toHaveCount(3);
  // The evaluator's own space (the e2e server also compares in the DINOv2 fixture's; e2e/ui/feature-spaces.spec.ts).
  const clipSpace = page.locator('[data-testid="feature-space"][data-kind="clip"]');
  await expect(clipSpace.getByTestId("reference-metrics").locator("tbody tr")).toHaveCount(1);

  await page.goto(`/runs/${run.id}`);
  const table = page.locator('section[aria-labelledby="against-references"]').getByTestId("reference-metrics");
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
  // The column names the evaluator whose embedding space the metric lives in.
  await expect(page.getByTestId("board-reference").locator("thead")).toContainText(/coverage \(k = 5, \S+/);
  await page.screenshot({ path: "test-results/leaderboard-reference.png", fullPage: true });
});

test("a reference set uploaded from its page (manifest and images) is stored, summarised and listed", async ({
  page,
  request,
}, info) => {
  const set = uniqueName("ui-refup-ps");
  expect(
    (
      await request.post("/api/v1/prompt-sets", {
        data: { name: set, prompts: PROMPTS.map((prompt) => ({ prompt })) },
        headers: auth(),
      })
    ).status(),
  ).toBe(201);
  const files = await makeSamples(PROMPTS, 2);
  const dir = info.outputPath("refset");
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, "manifest.jsonl"), manifestJsonl(files));
  for (const f of files) await fs.writeFile(path.join(dir, f.name), f.data);
  const name = uniqueName("ui-refup");

  await page.goto("/reference-sets");
  await page.getByTestId("upload-reference-set").click();
  await expect(page).toHaveURL(/\/reference-sets\/upload$/);
  await page.getByLabel("API key").fill(apiKey());
  await page
    .getByTestId("reference-files-input")
    .setInputFiles([path.join(dir, "manifest.jsonl"), ...files.map((f) => path.join(dir, f.name))]);
  await expect(page.getByTestId("reference-dropzone")).toContainText("7 files");
  // Checked in the browser before sending: the name is required.
  await page.getByRole("button", { name: "Upload reference set" }).click();
  await expect(page.getByTestId("error-name")).toContainText("Name the reference set");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Prompt set (optional)").fill(set);
  await page.getByLabel("Description (optional)").fill("six real images");
  await page.getByRole("button", { name: "Upload reference set" }).click();
  const summary = page.getByTestId("reference-upload-summary");
  await expect(summary).toContainText(`Stored ${name} version 1: 6 images; 0 scored runs queued`, { timeout: 30_000 });
  await page.screenshot({ path: info.outputPath("reference-upload-done.png"), fullPage: true });

  await summary.getByRole("link", { name: "Open the reference set" }).click();
  await expect(page.getByTestId("reference-set-scope")).toContainText(`6 images · tied to prompt set ${set} v1`);
  await page.goto("/reference-sets");
  const row = page.getByTestId("reference-sets").locator("tr", { has: page.getByRole("link", { name }) });
  await expect(row).toContainText("6");
  await expect(row).toContainText(`runs of prompt set ${set} v1`);
});

test("a bad reference set upload from the page shows what is wrong per file and stores nothing", async ({
  page,
  request,
}, info) => {
  const [good] = await makeSamples(["a teal ring"], 1);
  const manifest = [
    JSON.stringify({ file: good!.name, prompt: "a teal ring" }),
    JSON.stringify({ file: "fake.png", prompt: "a teal ring" }),
  ].join("\n");
  const zipPath = info.outputPath("bad-ref.zip");
  await fs.writeFile(
    zipPath,
    await zipBuffer([
      { name: "manifest.jsonl", data: Buffer.from(manifest) },
      { name: good!.name, data: good!.data },
      { name: "fake.png", data: Buffer.from("not an image") },
    ]),
  );
  const name = uniqueName("ui-refbad");

  await page.goto("/reference-sets/upload");
  await page.getByLabel("API key").fill(apiKey());
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Upload reference set" }).click();
  await expect(page.getByTestId("error-files")).toContainText("Choose or drop");

  await page.getByTestId("reference-files-input").setInputFiles(zipPath);
  await page.getByRole("button", { name: "Upload reference set" }).click();
  await expect(page.getByTestId("error-files")).toContainText("fake.png");
  await expect(page.getByTestId("reference-dropzone")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("reference-upload-summary")).toHaveCount(0);
  await page.screenshot({ path: info.outputPath("reference-upload-error.png"), fullPage: true });

  expect((await request.get(`/api/v1/reference-sets/${encodeURIComponent(name)}`)).status()).toBe(404);
  await page.goto("/reference-sets");
  await expect(page.getByRole("link", { name })).toHaveCount(0);
});
