// npm run reference-sets: upload, list, show and delete reference sets through the REST API.
import { parseCliArgs } from "../../lib/core/cli-args";
import { clientSettings } from "../../tools/cli/runs/api-client";
import { buildUploadForm, UploadFormError } from "../../tools/cli/upload-form";

const HELP = `Usage: npm run reference-sets -- upload --name NAME (--archive FILE | --manifest FILE [--images DIR]) [options]
       npm run reference-sets -- list
       npm run reference-sets -- show NAME|ID [--version N]
       npm run reference-sets -- delete ID --yes

Reference sets are real images that runs are compared with (FD_<evaluator>, CMMD,
precision/recall, density/coverage). Tied to a prompt set (--prompt-set), every image names one
of its prompts in the manifest (prompt or prompt_id) and the metrics are also computed per
prompt; without --prompt-set the set is global and the manifest's prompts are ignored.
Uploading an existing name makes its next version; runs use the latest. The uploading key owns
the set: a new version of a name, or deleting a version (its comparisons with runs, and its
images once nothing else uses them), needs that key or an admin key.

upload options:
  --name NAME            reference set name
  --archive FILE         .zip, .tar or .tar.gz with manifest.jsonl/.csv (file, prompt or prompt_id) and the images
  --manifest FILE        or a manifest plus the images it names (in --images DIR, default: its folder)
  --prompt-set NAME      prompt set the images belong to (latest version unless --prompt-set-version)
  --prompt-set-version N
  --description TEXT

common options:
  --server URL           default http://localhost:3000 (or T2I_SERVER)
  --key KEY              API key for upload and delete (default: T2I_API_KEY)
  --yes                  confirm a delete
  -h, --help

The same validation and limits as run uploads apply. Exit codes: 0 done, 1 the server refused
(its error is printed), 2 bad arguments or the server is unreachable.
`;

function fail(code: number, msg: string): never {
  process.stderr.write(`error: ${msg}\n`);
  process.exit(code);
}

async function call(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (e) {
    fail(2, `could not reach ${url}: ${(e as Error).message}; is the service running (npm start)?`);
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown> & {
    error?: { code: string; message: string; details?: unknown };
  };
  if (!res.ok)
    fail(
      1,
      `${res.status} ${body.error?.code}: ${body.error?.message}${body.error?.details ? `\n${JSON.stringify(body.error.details, null, 2)}` : ""}`,
    );
  return body;
}

async function main() {
  const { values, positionals } = parseCliArgs(
    {
      allowPositionals: true,
      options: {
        name: { type: "string" },
        archive: { type: "string" },
        manifest: { type: "string" },
        images: { type: "string" },
        "prompt-set": { type: "string" },
        "prompt-set-version": { type: "string" },
        description: { type: "string" },
        version: { type: "string" },
        server: { type: "string" },
        key: { type: "string" },
        yes: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    },
    { script: "reference-sets", usage: HELP },
  );
  const [command, arg] = positionals;
  if (values.help || !command) return void process.stdout.write(HELP);
  const { server, key } = clientSettings(values);

  if (command === "list") {
    const body = (await call(`${server}/api/v1/reference-sets`)) as {
      referenceSets: Array<{
        id: string;
        name: string;
        version: number;
        imageCount: number;
        promptSet: { name: string; version: number } | null;
      }>;
    };
    if (body.referenceSets.length === 0) return void process.stdout.write("no reference sets\n");
    for (const s of body.referenceSets) {
      process.stdout.write(
        `${s.name} v${s.version}\t${s.imageCount} images\t${s.promptSet ? `prompt set ${s.promptSet.name} v${s.promptSet.version}` : "global"}\t${s.id}\n`,
      );
    }
    return;
  }
  if (command === "show") {
    if (!arg) fail(2, "show needs a reference set name or id");
    const q = values.version ? `?version=${encodeURIComponent(values.version)}` : "";
    return void process.stdout.write(
      JSON.stringify(await call(`${server}/api/v1/reference-sets/${encodeURIComponent(arg)}${q}`), null, 2) + "\n",
    );
  }
  if (command === "delete") {
    if (!arg) fail(2, "delete needs a reference set id (ref_…; see list)");
    if (!values.yes) fail(2, "delete removes the set and its comparisons with runs for good: add --yes");
    if (!key) fail(2, "an API key is needed: --key or T2I_API_KEY");
    const body = (await call(`${server}/api/v1/reference-sets/${encodeURIComponent(arg)}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${key}` },
    })) as { name: string; version: number; images: number; comparisons: number; filesDeleted: number };
    process.stderr.write(
      `deleted ${body.name} v${body.version}: ${body.images} images, ${body.comparisons} comparison(s) with runs, ${body.filesDeleted} file(s) no longer used\n`,
    );
    return void process.stdout.write(JSON.stringify(body) + "\n");
  }
  if (command !== "upload") fail(2, `unknown command "${command}" (upload, list, show, delete; see --help)`);
  if (!values.name) fail(2, "--name is required (see --help)");
  if (!key)
    fail(2, "an API key is needed: --key or T2I_API_KEY (create one with npm run apikey -- create --name NAME)");
  if (!values.archive === !values.manifest) fail(2, "give either --archive or --manifest");
  let form: FormData;
  try {
    ({ form } = await buildUploadForm(
      {
        name: values.name,
        description: values.description,
        promptSet: values["prompt-set"],
        promptSetVersion: values["prompt-set-version"],
      },
      { archive: values.archive, manifest: values.manifest, imagesDir: values.images },
    ));
  } catch (e) {
    if (e instanceof UploadFormError) fail(2, e.message);
    throw e;
  }
  const body = (await call(`${server}/api/v1/reference-sets`, {
    method: "POST",
    body: form,
    headers: { Authorization: `Bearer ${key}` },
  })) as {
    id: string;
    name: string;
    version: number;
    images: number;
    queuedRuns: number;
    pageUrl: string;
  };
  process.stderr.write(
    `stored ${body.name} v${body.version}: ${body.images} images; ${body.queuedRuns} scored run(s) queued for comparison  (${server}${body.pageUrl})\n`,
  );
  process.stdout.write(JSON.stringify(body) + "\n");
}

main().catch((e) => fail(2, e instanceof Error ? e.message : String(e)));
