// npm run runs -- delete-variant NAME --yes  and  edit-variant NAME [--name …] [--description …] [--link URL…]
import { callApi, CONNECTION_HELP, enc, exitCodeOf, parseSubcommand, UsageError } from "../rest-call";
import type { RunsSubcommand } from "./subcommand";

export const deleteVariantCommand: RunsSubcommand = {
  name: "delete-variant",
  summary: "delete a variant with all its runs",
  usage: `Usage: npm run runs -- delete-variant VARIANT --yes

Deletes the variant (by name or id), its runs, generations and images no other run uses.
A submitter key is refused (409) when other keys' runs use the variant; an admin key is not.
This cannot be undone; --yes confirms it.

${CONNECTION_HELP}
`,
  run: (argv) =>
    exitCodeOf(async () => {
      const { values, positionals } = parseSubcommand(argv, { yes: { type: "boolean" } });
      if (positionals.length !== 1) throw new UsageError("delete-variant needs exactly one VARIANT");
      if (!values.yes) throw new UsageError("deleting cannot be undone: add --yes to confirm");
      const r = (await callApi(values, "DELETE", `/api/v1/variants/${enc(positionals[0]!)}`)) as {
        name: string;
        runs: number;
        filesDeleted: number;
      };
      console.log(`deleted variant ${r.name}: ${r.runs} runs, ${r.filesDeleted} image files`);
    }),
};

export const editVariantCommand: RunsSubcommand = {
  name: "edit-variant",
  summary: "rename a variant, or change its description or links",
  usage: `Usage: npm run runs -- edit-variant VARIANT [--name NEW] [--description TEXT] [--link URL]… [--no-links]

--name renames it (letters, digits, . _ + -); --description "" clears the description;
each --link replaces the list of links (http:// or https:// only); --no-links clears them.

${CONNECTION_HELP}
`,
  run: (argv) =>
    exitCodeOf(async () => {
      const { values, positionals } = parseSubcommand(argv, {
        name: { type: "string" },
        description: { type: "string" },
        link: { type: "string", multiple: true },
        "no-links": { type: "boolean" },
      });
      if (positionals.length !== 1) throw new UsageError("edit-variant needs exactly one VARIANT");
      if (values.link && values["no-links"]) throw new UsageError("give --link or --no-links, not both");
      const change = {
        ...(values.name !== undefined ? { name: values.name } : {}),
        ...(values.description !== undefined ? { description: values.description } : {}),
        ...(values.link ? { links: values.link } : values["no-links"] ? { links: [] } : {}),
      };
      if (Object.keys(change).length === 0)
        throw new UsageError("nothing to change: give --name, --description, --link or --no-links");
      const v = (await callApi(values, "PATCH", `/api/v1/variants/${enc(positionals[0]!)}`, change)) as {
        name: string;
        id: string;
      };
      console.log(`updated variant ${v.name} (${v.id})`);
    }),
};
