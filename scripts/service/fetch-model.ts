// npm run fetch-model – download, verify and install an evaluator from the catalogue (see --help, --list).
import path from "node:path";
import {
  FETCH_MODEL_USAGE,
  FetchModelError,
  fetchModel,
  formatCatalogue,
  parseFetchModelArgs,
  progressFor,
} from "../../lib/clip/fetch-model";
import { listInstalledModels } from "../../lib/clip/installed-model";

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseFetchModelArgs>;
  try {
    parsed = parseFetchModelArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof FetchModelError && err.code === "usage") {
      console.error(`fetch-model: ${err.message}\n\n${FETCH_MODEL_USAGE}`);
      return 2;
    }
    console.error(`fetch-model: ${(err as Error).message}`);
    return 1;
  }
  if ("list" in parsed && parsed.list) {
    const installed = new Map(
      listInstalledModels(parsed.modelsDir).map((m) => [path.basename(m.dir), m.manifest.variant] as const),
    );
    console.log(formatCatalogue(installed));
    return 0;
  }
  if (parsed.help) {
    console.log(FETCH_MODEL_USAGE);
    return 0;
  }

  const { options } = parsed;
  process.once("SIGINT", () => {
    console.error(
      `\nfetch-model: interrupted; partial files are kept in ${options.modelsDir}/.partial/${options.name}, ` +
        "run the same command again to resume",
    );
    process.exit(130);
  });
  const log = (line: string) => console.log(line);
  try {
    await fetchModel(options, { log, progress: progressFor(process.stdout, log) });
    return 0;
  } catch (err) {
    if (err instanceof FetchModelError) {
      console.error(`fetch-model: ${err.message}`);
      return err.code === "usage" ? 2 : 1;
    }
    console.error("fetch-model: unexpected failure", err);
    return 1;
  }
}

process.exitCode = await main();
