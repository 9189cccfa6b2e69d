import { expect, test } from "@playwright/test";
import { apiKey, uniqueName } from "../helpers";
import { markFailed, moveScoresToEvaluator, uploadBatch, waitStatus } from "../run-states";

test.describe("run page: leaderboard link, retry and re-score", () => {
  test("a failed run is retried from its page and its progress is followed until scored", async ({ page, request }) => {
    const { res } = await uploadBatch(request, {
      variant: uniqueName("ui-retry"),
      guidance: 2,
      prompts: ["a purple square", "an orange circle"],
    });
    const { id, leaderboard } = await res.json();
    await waitStatus(request, id, "scored");
    markFailed(id, "gave up after 3 attempts: the e2e worker stopped");

    await page.goto(`/runs/${id}`);
    await expect(page.getByText("Run failed: gave up after 3 attempts")).toBeVisible();
    const link = page.getByTestId("run-leaderboard");
    await expect(link).toHaveText(`${leaderboard.promptSet.name} v${leaderboard.promptSet.version}`);
    await expect(link).toHaveAttribute("href", leaderboard.url);

    const form = page.getByRole("form", { name: "Retry scoring" });
    await form.getByLabel("API key").fill(apiKey());
    await form.getByRole("button", { name: "Retry scoring" }).click();
    await expect(page.getByTestId("metric-clipScore")).toBeVisible({ timeout: 60_000 });
    await expect(page.getByText("Run failed")).toHaveCount(0);
    await page.screenshot({ path: "test-results/run-retried.png", fullPage: true });
  });

  test("the run page offers to re-score a run that lacks the installed evaluator's scores, and does it", async ({
    page,
    request,
  }) => {
    const { res } = await uploadBatch(request, {
      variant: uniqueName("ui-rescore"),
      guidance: 4,
      prompts: ["a black star"],
    });
    const { id } = await res.json();
    await waitStatus(request, id, "scored");
    moveScoresToEvaluator(id, `other-clip@${uniqueName("ui").slice(-8)}`);

    await page.goto(`/runs/${id}`);
    const form = page.getByRole("form", { name: "Re-score with the installed evaluator" });
    await expect(form).toContainText("has no scores from the installed evaluator");
    await form.getByLabel("API key").fill(apiKey());
    await form.getByRole("button", { name: "Re-score with the installed evaluator" }).click();
    await expect(form).toHaveCount(0, { timeout: 60_000 });
    const run = await waitStatus(request, id, "scored");
    await page.reload();
    await expect(page.getByText(`evaluator ${run.evaluator.id}`)).toBeVisible();
  });

  test("the leaderboard states its default prompt set", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByTestId("default-prompt-set")).toContainText(/Default prompt set: .+ \(/);
  });
});
