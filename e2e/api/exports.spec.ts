// Every table as a download (issue 13): a run's per-sample scores (paged JSON, full CSV) and
// per-prompt metrics, the plot data, and their entries in the OpenAPI document.
import { parse } from "csv-parse/sync";
import { expect, test, type APIRequestContext } from "@playwright/test";

type Page = {
  runId: string;
  total: number;
  limit: number;
  offset: number;
  next: string | null;
  samples: {
    file: string;
    prompt: string;
    seed: number | null;
    cosine: number | null;
    clipScore: number | null;
    truncated: boolean;
  }[];
};

async function scoredDemoRun(request: APIRequestContext): Promise<{ id: string }> {
  const list = (await (await request.get("/api/v1/runs?promptSet=toy-world-demo&status=scored&limit=1")).json()) as {
    runs: { id: string }[];
  };
  expect(list.runs.length).toBe(1);
  return list.runs[0]!;
}

const csvRows = (text: string) => parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];

test("a run's per-sample scores page through JSON and download whole as CSV, with the same numbers", async ({
  request,
}) => {
  const run = await scoredDemoRun(request);
  const seen: Page["samples"] = [];
  let url: string | null = `/api/v1/runs/${run.id}/samples?limit=7`;
  let pages = 0;
  let total = 0;
  while (url) {
    const res = await request.get(url);
    expect(res.status()).toBe(200);
    const page = (await res.json()) as Page;
    total = page.total;
    seen.push(...page.samples);
    url = page.next;
    pages++;
  }
  expect(total).toBeGreaterThan(7);
  expect(seen).toHaveLength(total);
  expect(pages).toBe(Math.ceil(total / 7));
  expect(new Set(seen.map((s) => s.file)).size).toBe(total);
  for (const s of seen) expect(s.clipScore).toBeCloseTo(100 * s.cosine!, 9);

  const csv = await request.get(`/api/v1/runs/${run.id}/samples?format=csv`);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(csv.headers()["content-disposition"]).toMatch(/attachment; filename=".*\.csv"/);
  const rows = csvRows(await csv.text());
  // Every row names its evaluator, run, variant, guidance scale and replicate first, so the
  // files of several runs concatenate into one table.
  expect(Object.keys(rows[0]!)).toEqual([
    "evaluator",
    "runId",
    "variant",
    "guidanceScale",
    "replicate",
    "file",
    "promptId",
    "prompt",
    "seed",
    "sampleIndex",
    "cosine",
    "clipScore",
    "truncated",
    "error",
    "imageSha256",
  ]);
  expect(new Set(rows.map((r) => r.runId))).toEqual(new Set([run.id]));
  expect(rows[0]!.evaluator).not.toBe("");
  expect(rows.map((r) => r.file)).toEqual(seen.map((s) => s.file));
  expect(rows.map((r) => Number(r.cosine))).toEqual(seen.map((s) => s.cosine));
});

test("a run's per-prompt metrics download as CSV and JSON and match the run", async ({ request }) => {
  const run = await scoredDemoRun(request);
  const detail = (await (await request.get(`/api/v1/runs/${run.id}`)).json()) as {
    metrics: { prompts: { promptId: string; clipScore: number; diversity: number }[] };
  };
  const json = (await (await request.get(`/api/v1/runs/${run.id}/prompts`)).json()) as {
    prompts: { promptId: string; clipScore: number }[];
  };
  expect(json.prompts).toEqual(detail.metrics.prompts);
  const rows = csvRows(await (await request.get(`/api/v1/runs/${run.id}/prompts?format=csv`)).text());
  expect(rows.map((r) => r.promptId)).toEqual(detail.metrics.prompts.map((p) => p.promptId));
  expect(rows.map((r) => Number(r.clipScore))).toEqual(detail.metrics.prompts.map((p) => p.clipScore));
});

test("plot data downloads as CSV and JSON", async ({ request }) => {
  const json = (await (await request.get("/api/v1/plot-data?view=leaderboard&promptSet=toy-world-demo")).json()) as {
    rows: { runId: string }[];
  };
  expect(json.rows.length).toBeGreaterThan(0);
  const rows = csvRows(
    await (await request.get("/api/v1/plot-data?view=leaderboard&promptSet=toy-world-demo&format=csv")).text(),
  );
  expect(rows.map((r) => r.runId)).toEqual(json.rows.map((r) => r.runId));
});

test("bad export requests get a 4xx in the error shape", async ({ request }) => {
  const run = await scoredDemoRun(request);
  const cases: [string, number][] = [
    [`/api/v1/runs/${run.id}/samples?limit=0`, 422],
    [`/api/v1/runs/${run.id}/samples?format=xml`, 422],
    ["/api/v1/runs/run_nope/samples", 404],
    ["/api/v1/runs/run_nope/prompts?format=csv", 404],
    [`/api/v1/runs/${run.id}/prompts?evaluator=nope`, 404],
    ["/api/v1/plot-data?view=leaderboard", 422],
  ];
  for (const [url, status] of cases) {
    const res = await request.get(url);
    expect(res.status(), url).toBe(status);
    expect(
      ((await res.json()) as { error: { code: string; message: string } }).error.message.length,
      url,
    ).toBeGreaterThan(0);
  }
});

test("the OpenAPI document lists every export with its required parameters", async ({ request }) => {
  const doc = (await (await request.get("/api/v1/openapi.json")).json()) as {
    paths: Record<string, { get?: { parameters?: { name: string; in: string; required?: boolean }[] } }>;
  };
  const params = (path: string) => doc.paths[path]?.get?.parameters ?? [];
  expect(params("/api/v1/runs/{id}/samples").map((p) => p.name)).toEqual(
    expect.arrayContaining(["id", "limit", "offset", "format", "evaluator"]),
  );
  expect(params("/api/v1/runs/{id}/samples").find((p) => p.name === "id")?.required).toBe(true);
  expect(params("/api/v1/runs/{id}/prompts").map((p) => p.name)).toEqual(expect.arrayContaining(["id", "format"]));
  expect(params("/api/v1/plot-data").find((p) => p.name === "promptSet")?.required).toBe(true);
  expect(params("/api/v1/plot-data").map((p) => p.name)).toEqual(
    expect.arrayContaining(["view", "format", "variant", "a", "b"]),
  );
});

test("the ranking and the pairwise matrix download as CSV and JSON, naming variants by name", async ({ request }) => {
  const board = (await (
    await request.get("/api/v1/leaderboard/export?promptSet=toy-world-demo&format=json")
  ).json()) as { rows: { variant: string }[]; pairs: unknown[] };
  const ranking = csvRows(
    await (await request.get("/api/v1/leaderboard/export?promptSet=toy-world-demo&format=csv")).text(),
  );
  expect(ranking.length).toBe(board.rows.length);
  const pairsJson = (await (
    await request.get("/api/v1/leaderboard/export?promptSet=toy-world-demo&table=pairs&format=json")
  ).json()) as { pairs: { a: string; b: string; aId: string; difference: number }[] };
  const pairsCsv = csvRows(
    await (await request.get("/api/v1/leaderboard/export?promptSet=toy-world-demo&table=pairs&format=csv")).text(),
  );
  expect(pairsJson.pairs.length).toBe(board.pairs.length);
  expect(pairsCsv.map((r) => `${r.a}|${r.b}`)).toEqual(pairsJson.pairs.map((p) => `${p.a}|${p.b}`));
  expect(pairsCsv.map((r) => Number(r.difference))).toEqual(pairsJson.pairs.map((p) => p.difference));
  for (const p of pairsJson.pairs) expect(p.a).not.toBe(p.aId);
  expect(Object.keys(pairsCsv[0] ?? { a: 1 })).toEqual(
    expect.arrayContaining(["a", "b", "difference", "ciLow", "ciHigh", "pAdjusted", "resamples"]),
  );
});
