// npm run reference-sets: upload, list, show and delete reference sets through the REST API.
import { z } from "zod";
import { checkCliFields, parseCliArgs, usageErrorText } from "../../lib/core/cli-args";
import { decimalNumber } from "../../lib/core/decimal-number";
import { referenceSetUploadFieldsSchema } from "../../lib/http/schemas";
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
  --json                 print the server's answer as JSON instead of a summary
  -h, --help

The same validation and limits as run uploads apply. Exit codes: 0 done, 1 the server refused
(its error is printed), 2 bad arguments or the server is unreachable.
`;

function fail(code: number, msg: string): never {
  process.stderr.write(`error: ${msg}\n`);
  process.exit(code);
}

/** Bad arguments: what was wrong and the usage, exit 2 (nothing has been sent). */
function usage(msg: string): never {
  process.stderr.write(usageErrorText("reference-sets", msg, HELP));
  process.exit(2);
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
        json: { type: "boolean", default: false },
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
    if (!arg) usage("show needs a reference set name or id");
    const { version } = checkCliFields(
      z.object({ version: decimalNumber((n) => n.int().min(1)).optional() }),
      { version: values.version },
      { script: "reference-sets", usage: HELP },
    );
    const q = version ? `?version=${version}` : "";
    const body = (await call(`${server}/api/v1/reference-sets/${encodeURIComponent(arg)}${q}`)) as {
      id: string;
      name: string;
      version: number;
      description: string | null;
      imageCount?: number;
      promptSet: { name: string; version: number } | null;
    };
    if (values.json) return void process.stdout.write(JSON.stringify(body, null, 2) + "\n");
    return void process.stdout.write(
      `${body.name} v${body.version}  ${body.id}\n` +
        `${body.promptSet ? `prompt set ${body.promptSet.name} v${body.promptSet.version} (per-prompt references)` : "global (every run)"}` +
        `${body.imageCount !== undefined ? `, ${body.imageCount} images` : ""}\n` +
        `${body.description ? `${body.description}\n` : ""}` +
        `${server}/reference-sets/${body.id}  (--json for everything)\n`,
    );
  }
  if (command === "delete") {
    if (!arg) usage("delete needs a reference set id (ref_…; see list)");
    if (!values.yes) usage("delete removes the set and its comparisons with runs for good: add --yes");
    if (!key) fail(2, "an API key is needed: --key or T2I_API_KEY");
    const body = (await call(`${server}/api/v1/reference-sets/${encodeURIComponent(arg)}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${key}` },
    })) as { name: string; version: number; images: number; comparisons: number; filesDeleted: number };
    if (values.json) return void process.stdout.write(JSON.stringify(body) + "\n");
    return void process.stdout.write(
      `deleted ${body.name} v${body.version}: ${body.images} images, ${body.comparisons} comparison(s) with runs, ${body.filesDeleted} file(s) no longer used\n`,
    );
  }
  if (command !== "upload") usage(`unknown command "${command}" (upload, list, show, delete)`);
  if (!values.name) usage("--name is required");
  if (!values.archive === !values.manifest) usage("give either --archive or --manifest");
  const fields = {
    name: values.name,
    description: values.description,
    promptSet: values["prompt-set"],
    promptSetVersion: values["prompt-set-version"],
  };
  // The server's own rules, checked before the archive is read or sent.
  checkCliFields(referenceSetUploadFieldsSchema, fields, {
    script: "reference-sets",
    usage: HELP,
    options: { promptSet: "--prompt-set", promptSetVersion: "--prompt-set-version" },
  });
  if (!key)
    fail(2, "an API key is needed: --key or T2I_API_KEY (create one with npm run apikey -- create --name NAME)");
  let form: FormData;
  try {
    ({ form } = await buildUploadForm(fields, {
      archive: values.archive,
      manifest: values.manifest,
      imagesDir: values.images,
    }));
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
  if (values.json) return void process.stdout.write(JSON.stringify(body) + "\n");
  process.stdout.write(
    `stored ${body.name} v${body.version}: ${body.images} images; ${body.queuedRuns} scored run(s) queued for comparison  (${server}${body.pageUrl})\n`,
  );
}

main().catch((e) => fail(2, e instanceof Error ? e.message : String(e)));
