// The Manage panel of the run and variant pages (hide with a reason, unhide, delete, rename) and
// what readers see: the hidden banner, provenance of generated runs, the source filter and the
// mark on runs whose settings differ from the rest of their curve.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { zipBuffer } from "../../tools/test-support/uploads";
import { workUntilIdle } from "../fake-worker";
import { apiKey, auth, makeSamples, manifestJsonl, newApiKey, uniqueName } from "../helpers";

async function uploadRun(request: APIRequestContext, variant: string, guidance: number): Promise<string> {
  const samples = await makeSamples(["a red square", "a blue circle"], 2);
  const zip = await zipBuffer([
    { name: "manifest.jsonl", data: Buffer.from(manifestJsonl(samples)) },
    ...samples.map((s) => ({ name: s.name, data: s.data })),
  ]);
  const fd = new FormData();
  for (const [k, v] of Object.entries({ variant, guidanceScale: String(guidance), conditioningType: "text_sequence" }))
    fd.append(k, v);
  fd.append("archive", new Blob([new Uint8Array(zip)]), "batch.zip");
  const res = await request.post("/api/v1/runs", { multipart: fd, headers: auth() });
  expect(res.status(), await res.text()).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function openManage(page: Page, key: string) {
  await page.getByTestId("manage").locator("summary").click();
  await page.getByTestId("manage-key").fill(key);
}

test("a run is hidden with a reason readers see, unhidden, refused to a stranger's key, and deleted by its owner", async ({
  page,
}) => {
  const variant = uniqueName("ui-life");
  const id = await uploadRun(page.request, variant, 3);
  await page.goto(`/runs/${id}`);
  await expect(page.getByTestId("hidden-banner")).toHaveCount(0);

  await openManage(page, apiKey());
  await page.getByTestId("hide-reason").fill("duplicate of an earlier upload");
  await page.getByTestId("hide").click();
  await expect(page.getByTestId("hidden-banner")).toContainText("duplicate of an earlier upload");
  await page.goto(`/variants/${variant}`);
  await expect(page.getByTestId("run-hidden")).toBeVisible();

  await page.goto(`/runs/${id}`);
  await openManage(page, apiKey());
  await page.getByTestId("unhide").click();
  await expect(page.getByTestId("hidden-banner")).toHaveCount(0);

  await openManage(page, newApiKey("submitter"));
  await page.getByTestId("delete").click();
  await page.getByTestId("delete-confirm").click();
  await expect(page.getByTestId("manage-error")).toContainText("created by another API key");

  await page.getByTestId("manage-key").fill(apiKey());
  await page.getByTestId("delete-confirm").click();
  await expect(page).toHaveURL(new RegExp(`/variants/`));
  await expect(page.getByTestId("variant-runs")).not.toContainText(id);
  expect((await page.request.get(`/api/v1/runs/${id}`)).status()).toBe(404);
});

test("a variant is renamed from its page, and its links must be http(s)", async ({ page }) => {
  const variant = uniqueName("ui-ren");
  await uploadRun(page.request, variant, 3);
  await page.goto(`/variants/${variant}`);
  await openManage(page, apiKey());
  await page.getByTestId("edit-links").fill("javascript:alert(1)");
  await page.getByTestId("edit-save").click();
  await expect(page.getByTestId("manage-error")).toContainText("http");

  await page.getByTestId("edit-links").fill("https://example.org/paper");
  await page.getByTestId("edit-name").fill(`${variant}-renamed`);
  await page.getByTestId("edit-description").fill("now with a better name");
  await page.getByTestId("edit-save").click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`${variant}-renamed`);
  await expect(page.getByRole("paragraph").filter({ hasText: "now with a better name" })).toBeVisible();
  await expect(page.getByRole("link", { name: "https://example.org/paper" })).toBeVisible();
});

test("generated runs show their provenance, the source filter separates them from uploads, and a run with other settings is marked", async ({
  page,
}) => {
  const variant = uniqueName("ui-prov");
  const promptSet = uniqueName("ui-prov-set");
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
        data: { name: promptSet, prompts: [{ id: "sq", prompt: "a red square" }] },
        headers: auth(),
      })
    ).status(),
  ).toBe(201);
  const base = { variant, promptSet, samplesPerPrompt: 2, seed: 5, size: 64 };
  const a = await (
    await page.request.post("/api/v1/generations", {
      data: { ...base, guidanceScales: [2, 4], steps: 30 },
      headers: auth(),
    })
  ).json();
  const b = await (
    await page.request.post("/api/v1/generations", {
      data: { ...base, guidanceScales: [6], steps: 10 },
      headers: auth(),
    })
  ).json();
  await workUntilIdle(page.request, [variant]);

  await page.goto(`/runs/${a.runs[0].id}`);
  await expect(page.getByTestId("provenance")).toContainText("30 steps");
  await expect(page.getByTestId("provenance")).toContainText("64×64");
  await expect(page.getByTestId("provenance")).toContainText("worker e2e-");
  await expect(page.getByTestId("run-owner")).toContainText("Generation requested with API key");

  await page.goto(`/variants/${variant}`);
  const marks = page.getByTestId("settings-differ");
  await expect(marks).toHaveCount(1);
  await expect(page.getByTestId("variant-runs").locator("tr", { has: marks })).toContainText(b.runs[0].id);
  await expect(marks).toContainText("steps");
  // The leaderboard marks the variant once its runs are scored.
  await expect(async () => {
    await page.goto(`/?promptSet=${promptSet}`);
    // Ranked (ranking v2 ranks single-run variants at their own diversity) or listed as not ranked.
    const row = page
      .locator('[data-testid="leaderboard-row"], [data-testid="unranked"] li')
      .filter({ hasText: variant });
    await expect(row.getByTestId("variant-settings-differ")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  await page.goto(`/variants/${variant}`);

  await page.getByTestId("source-filter").selectOption("uploaded");
  await page.getByRole("form", { name: "Run filters" }).getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/source=uploaded/);
  await expect(page.getByTestId("variant-runs").locator("tbody tr")).toHaveCount(0);
  await page.getByTestId("source-filter").selectOption("generated");
  await page.getByRole("form", { name: "Run filters" }).getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("variant-runs").locator("tbody tr")).toHaveCount(3);
});
