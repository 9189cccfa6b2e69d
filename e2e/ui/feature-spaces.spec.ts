// A reference set and a run compared in an image feature space, end to end: the e2e server names the
// DINOv2 fixture in T2I_FEATURE_EXTRACTORS, so every reference comparison also runs in its features
// (dgm-eval recipe). The API and the pages show those numbers apart from the CLIP ones, labelled
// FD_dinov2-tiny (dgm-eval); the evaluators page and API list what is in use and the catalogue.
import { expect, test } from "@playwright/test";
import { auth, makeSamples, manifestJsonl, uniqueName, type SampleFile } from "../helpers";

function form(fields: Record<string, string>, files: SampleFile[]): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append("manifest", new Blob([manifestJsonl(files)]), "manifest.jsonl");
  for (const f of files) fd.append("images", new Blob([new Uint8Array(f.data)]), f.name);
  return fd;
}

const PROMPTS = ["a violet kite", "an orange cup", "a grey moon"];
const LABEL = "dinov2-tiny (dgm-eval)";

test("a run and a reference set compared in DINOv2 features, through the API and the pages", async ({
  page,
  request,
}) => {
  const evaluators = await (await request.get("/api/v1/evaluators")).json();
  expect(evaluators.service.featureSpaces).toEqual([
    expect.objectContaining({ label: LABEL, recipe: "dgm-eval", warning: expect.stringContaining("random weights") }),
  ]);
  expect(evaluators.catalogue.map((c: { name: string }) => c.name)).toEqual([
    "vit-b-32",
    "vit-b-16",
    "vit-l-14",
    "vit-l-14-336",
    "dinov2-b-14",
    "dinov2-l-14",
  ]);
  const space = evaluators.service.featureSpaces[0].id as string;

  const set = uniqueName("fs-ps");
  expect(
    (
      await request.post("/api/v1/prompt-sets", {
        data: { name: set, prompts: PROMPTS.map((prompt) => ({ prompt })) },
        headers: auth(),
      })
    ).status(),
  ).toBe(201);
  const name = uniqueName("fs-real");
  const ref = await (
    await request.post("/api/v1/reference-sets", {
      multipart: form({ name, promptSet: set }, await makeSamples(PROMPTS, 5)),
      headers: auth(),
    })
  ).json();
  const run = await (
    await request.post("/api/v1/runs", {
      multipart: form(
        { variant: uniqueName("fs-var"), conditioningType: "text_sequence", guidanceScale: "4", promptSet: set },
        await makeSamples(PROMPTS, 5),
      ),
      headers: auth(),
    })
  ).json();
  await expect
    .poll(
      async () => (await (await request.get(`/api/v1/runs/${run.id}`)).json()).metrics?.featureSpaces?.length ?? 0,
      { timeout: 60_000 },
    )
    .toBe(1);
  const metrics = (await (await request.get(`/api/v1/runs/${run.id}`)).json()).metrics;
  expect(metrics.reference[0].fdLabel).not.toContain("dinov2");
  const fs = metrics.featureSpaces[0];
  expect(fs.featureSpace).toMatchObject({ id: space, label: LABEL });
  expect(fs.reference[0]).toMatchObject({
    referenceSet: { id: ref.id },
    fdLabel: `FD_${LABEL}`,
    cmmdLabel: `CMMD_${LABEL}`,
    evaluator: { id: space, kind: "image-features", recipe: "dgm-eval" },
    dim: 32,
    nGenerated: 15,
    nReference: 15,
  });

  const board = await (
    await request.get(
      `/api/v1/reference-metrics?promptSet=${encodeURIComponent(set)}&metric=fd&featureSpace=${encodeURIComponent(space)}`,
    )
  ).json();
  expect(board.featureSpace).toEqual({ id: space, label: LABEL, kind: "image-features" });
  expect(board.rows.map((r: { value: number }) => r.value)).toEqual([fs.reference[0].fd.value]);

  await page.goto(`/runs/${run.id}`);
  const section = page.getByTestId("feature-space");
  await expect(section.getByRole("heading")).toHaveText(`Against reference sets in ${LABEL} features`);
  await expect(section.getByTestId("reference-metrics").locator("thead")).toContainText(`FD_${LABEL}`);
  await expect(section.getByRole("link", { name: `${name} v1` })).toBeVisible();

  await page.goto(`/reference-sets/${ref.id}`);
  await expect(page.getByTestId("feature-space")).toHaveCount(2);
  await expect(page.locator('[data-testid="feature-space"][data-kind="image-features"]')).toContainText(`FD_${LABEL}`);

  await page.goto(`/?promptSet=${encodeURIComponent(set)}`);
  await page.getByTestId("ref-space-picker").selectOption(space);
  await page.getByTestId("ref-metric-picker").selectOption("fd");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByTestId("board-reference").locator("thead")).toContainText(`FD_${LABEL}`);

  await page.goto("/evaluators");
  await expect(page.getByTestId("feature-space-in-use")).toContainText(LABEL);
  await expect(page.getByTestId("evaluators-catalogue")).toContainText("ViT-L/14@336");
  await expect(page.getByTestId("evaluators-catalogue")).toContainText("torchmetrics CLIPScore default, HEIM");
});
