// npm run upload: send a sample batch to a running service (POST /api/v1/runs) and follow it.
import { checkCliFields, parseCliArgs, usageErrorText } from "../../lib/core/cli-args";
import { runUploadFieldsSchema } from "../../lib/http/schemas";
import { config } from "../../lib/core/config";
import { formatRunSummary } from "../../tools/cli/runs/run-summary";
import type { RunDetail } from "../../lib/runs/get-run-or-throw";
import { buildUploadForm, UploadFormError } from "../../tools/cli/upload-form";
import { progressPrinter } from "../../tools/cli/progress-lines";

const HELP = `Usage: npm run upload -- --archive FILE --variant NAME --guidance SCALE [options]
       npm run upload -- --manifest FILE [--images DIR] --variant NAME --guidance SCALE [options]

Uploads a batch of generated samples as a run and waits until it is scored.

  --archive FILE         .zip, .tar or .tar.gz with manifest.jsonl/.csv (file, prompt or
                         prompt_id, seed) and the images
  --manifest FILE        or a manifest plus the images it names (in --images DIR, default:
                         the manifest's folder)
  --variant NAME         conditioning variant the samples come from
  --guidance SCALE       classifier-free guidance scale
  --replicate LABEL      which trained copy of the variant made the samples (training seed or
                         checkpoint, e.g. seed-1); runs with one label form one replicate's curve
  --conditioning TYPE    create the variant if missing: text_sequence, clip_image_embedding,
                         clip_text_embedding, clip_image_embedding+text_sequence, other
  --prompt-set NAME      named prompt set the prompts belong to
  --name-prompt-set NAME without --prompt-set: a name for the prompt set made from this
                         upload's prompts when no set holds them (default upload-<variant>-<hash>)
  --sampler S --steps N --seed-policy TEXT   recorded with the run
  --server URL           default http://localhost:3000 (or T2I_SERVER)
  --key KEY              API key (default: T2I_API_KEY); make one with npm run apikey -- create
  --no-wait              return after the upload is accepted
  --json                 print the whole run as JSON (with --no-wait: the upload's answer)
                         instead of a one-screen summary
  -h, --help

Exit codes: 0 scored (or accepted with --no-wait), 1 the upload was refused or scoring
failed (the server's error is printed), 2 bad arguments or the server is unreachable.
`;

type ErrorBody = { error?: { code: string; message: string; details?: unknown } };

function fail(code: number, msg: string): never {
  process.stderr.write(`error: ${msg}\n`);
  process.exit(code);
}

/** Bad arguments: what was wrong and the usage, exit 2 (nothing has been sent). */
function usage(msg: string): never {
  process.stderr.write(usageErrorText("upload", msg, HELP));
  process.exit(2);
}

async function main() {
  const { values } = parseCliArgs(
    {
      options: {
        archive: { type: "string" },
        manifest: { type: "string" },
        images: { type: "string" },
        variant: { type: "string" },
        guidance: { type: "string" },
        replicate: { type: "string" },
        conditioning: { type: "string" },
        "prompt-set": { type: "string" },
        "name-prompt-set": { type: "string" },
        sampler: { type: "string" },
        steps: { type: "string" },
        "seed-policy": { type: "string" },
        server: { type: "string" },
        key: { type: "string" },
        "no-wait": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    },
    { script: "upload", usage: HELP },
  );
  if (values.help) return void process.stdout.write(HELP);
  const server = (values.server ?? config().serverUrl).replace(/\/+$/, "");
  const key = values.key ?? config().apiKey;
  if (!values.variant || values.guidance === undefined) usage("--variant and --guidance are required");
  if (!values.archive === !values.manifest) usage("give either --archive or --manifest");
  const fields = {
    variant: values.variant,
    guidanceScale: values.guidance,
    replicate: values.replicate,
    conditioningType: values.conditioning,
    promptSet: values["prompt-set"],
    newPromptSetName: values["name-prompt-set"],
    sampler: values.sampler,
    steps: values.steps,
    seedPolicy: values["seed-policy"],
  };
  // The server's own rules, checked before the archive is read or sent.
  checkCliFields(runUploadFieldsSchema, fields, {
    script: "upload",
    usage: HELP,
    options: {
      variant: "--variant",
      guidanceScale: "--guidance",
      replicate: "--replicate",
      conditioningType: "--conditioning",
      promptSet: "--prompt-set",
      newPromptSetName: "--name-prompt-set",
      sampler: "--sampler",
      steps: "--steps",
      seedPolicy: "--seed-policy",
    },
  });
  if (!key)
    fail(2, "an API key is needed: --key or T2I_API_KEY (create one with npm run apikey -- create --name NAME)");

  let form: FormData;
  let total: number;
  try {
    ({ form, bytes: total } = await buildUploadForm(fields, {
      archive: values.archive,
      manifest: values.manifest,
      imagesDir: values.images,
    }));
  } catch (e) {
    if (e instanceof UploadFormError) fail(2, e.message);
    throw e;
  }
  process.stderr.write(`uploading ${(total / 1e6).toFixed(1)} MB to ${server}/api/v1/runs …\n`);
  let res: Response;
  try {
    res = await fetch(`${server}/api/v1/runs`, {
      method: "POST",
      body: form,
      headers: { Authorization: `Bearer ${key}` },
    });
  } catch (e) {
    fail(2, `could not reach ${server}: ${(e as Error).message}; is the service running (npm start)?`);
  }
  const body = (await res.json().catch(() => ({}))) as ErrorBody & {
    id?: string;
    statusUrl?: string;
    duplicate?: boolean;
    requeued?: boolean;
    message?: string;
    pageUrl?: string;
    leaderboard?: {
      promptSet: { name: string; version: number; isImplicit: boolean };
      url: string;
      isDefault: boolean;
    };
  };
  if (!res.ok)
    fail(
      1,
      `${res.status} ${body.error?.code}: ${body.error?.message}${body.error?.details ? `\n${JSON.stringify(body.error.details, null, 2)}` : ""}`,
    );
  const outcome = body.requeued
    ? "identical run had failed; queued again"
    : body.duplicate
      ? `already stored (${body.message ?? "an identical run"})`
      : "accepted";
  process.stderr.write(`${outcome}: ${body.id}  (${server}${body.pageUrl})\n`);
  if (body.leaderboard) {
    const lb = body.leaderboard;
    const kind = lb.promptSet.isImplicit ? "a prompt set made from uploads" : "a named prompt set";
    process.stderr.write(
      `leaderboard: ${lb.promptSet.name} v${lb.promptSet.version} (${kind}${lb.isDefault ? ", the leaderboard's default" : ""})  ${server}${lb.url}\n`,
    );
  }
  if (values["no-wait"] && (!body.duplicate || body.requeued)) {
    return void process.stdout.write(
      values.json ? JSON.stringify(body) + "\n" : `run ${body.id} queued; follow it at ${server}${body.pageUrl}\n`,
    );
  }

  const progress = progressPrinter(process.stderr.isTTY === true, (s) => process.stderr.write(s));
  for (;;) {
    const r = await fetch(`${server}${body.statusUrl}`);
    const run = (await r.json()) as RunDetail;
    progress.update(run.status, run.progress.done, run.progress.total);
    if (run.status === "scored" || run.status === "failed") {
      progress.end();
      process.stdout.write(
        values.json ? JSON.stringify(run, null, 2) + "\n" : formatRunSummary(run, server, body.leaderboard?.url),
      );
      if (run.status === "failed") fail(1, `scoring failed: ${run.error}`);
      return;
    }
    await new Promise((res_) => setTimeout(res_, 1000));
  }
}

main().catch((e) => fail(2, e instanceof Error ? e.message : String(e)));
