// A run's samples grouped by prompt, with their stored image and cosine, for the run page's grids:
// at most `perPrompt` per prompt (the first ones in upload order) with the prompt's sample count,
// for the prompts on the page (`promptRowIds`) or all of them. The cap is applied in SQL, so a
// page of a 19,900-sample run reads the samples it shows, not the run.
import { sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { prompts, sampleScores, samples } from "../../db/schema";

export type RunSample = {
  sampleId: number;
  sampleIndex: number;
  seed: number | null;
  fileName: string;
  sha256: string;
  cosine: number | null;
  errorCode: string | null;
};
export type PromptSamples = {
  promptId: string;
  prompt: string;
  /** The prompt's samples in the run, of which `samples` holds the first perPrompt. */
  total: number;
  samples: RunSample[];
};

type Row = {
  sampleId: number;
  sampleIndex: number;
  seed: number | null;
  fileName: string;
  sha256: string;
  promptId: string;
  prompt: string;
  cosine: number | null;
  errorCode: string | null;
  total: number;
};

export function listRunSamples(
  runId: string,
  evaluatorId: string | null,
  opts: { perPrompt?: number; promptRowIds?: readonly number[] } = {},
): PromptSamples[] {
  const perPrompt = opts.perPrompt ?? 16;
  if (opts.promptRowIds && opts.promptRowIds.length === 0) return [];
  const onPage = opts.promptRowIds
    ? sql`and ${samples.promptId} in (${sql.join(
        opts.promptRowIds.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``;
  const rows = getDb().all<Row>(sql`
    select s.id as sampleId, s.sample_index as sampleIndex, s.seed as seed, s.file_name as fileName,
      s.image_sha256 as sha256, p.prompt_key as promptId, p.text as prompt,
      sc.cosine as cosine, sc.error_code as errorCode, s.total as total
    from (
      select ${samples.id} as id, ${samples.promptId} as prompt_id, ${samples.sampleIndex} as sample_index,
        ${samples.seed} as seed, ${samples.fileName} as file_name, ${samples.imageSha256} as image_sha256,
        row_number() over (partition by ${samples.promptId} order by ${samples.id}) as rn,
        count(*) over (partition by ${samples.promptId}) as total
      from ${samples}
      where ${samples.runId} = ${runId} ${onPage}
    ) s
    join ${prompts} p on p.id = s.prompt_id
    left join ${sampleScores} sc on sc.sample_id = s.id and sc.evaluator_id = ${evaluatorId ?? ""}
    where s.rn <= ${perPrompt}
    order by s.id`);
  const byPrompt = new Map<string, PromptSamples>();
  for (const r of rows) {
    let g = byPrompt.get(r.promptId);
    if (!g) byPrompt.set(r.promptId, (g = { promptId: r.promptId, prompt: r.prompt, total: r.total, samples: [] }));
    g.samples.push({
      sampleId: r.sampleId,
      sampleIndex: r.sampleIndex,
      seed: r.seed,
      fileName: r.fileName,
      sha256: r.sha256,
      cosine: r.cosine,
      errorCode: r.errorCode,
    });
  }
  return [...byPrompt.values()];
}
