// What the evaluators page and GET /api/v1/evaluators show: the evaluator and image feature spaces
// this server scores with (identities read from the model folders, no model loaded), every model
// installed by fetch-model with the convention it follows, and the catalogue that can be installed.
import fs from "node:fs";
import path from "node:path";
import { config } from "../core/config";
import { CATALOGUE, catalogueEntry, catalogueEntryForRepo, fullyPinned } from "./catalogue";
import { featureSpaceName } from "./feature-space";
import { evaluatorWarning, type EvaluatorIdentity } from "./identity";
import { BrokenInstallError, readInstalledModel } from "./installed-model";

export type InstalledEntry = {
  folder: string;
  /** Catalogue name, when installed as one. */
  model: string | null;
  kind: "clip" | "image-features";
  repo: string;
  revision: string;
  variant: string;
  /** "ViT-L/14 — torchmetrics CLIPScore default, HEIM" */
  convention: string | null;
  /** Every file matched a published SHA256 (else some were only hashed after download). */
  verified: boolean;
  /** Why it cannot be used, when broken. */
  problem?: string;
};

export type EvaluatorsView = {
  service: {
    evaluator:
      | (Pick<EvaluatorIdentity, "id" | "name" | "variant" | "isFixture"> & {
          convention: string | null;
          warning?: string;
        })
      | null;
    featureSpaces: {
      id: string;
      name: string;
      recipe: string | null;
      label: string;
      convention: string | null;
      warning?: string;
    }[];
    /** Why the service cannot name its evaluator or feature spaces, if it cannot. */
    problems: string[];
  };
  installed: InstalledEntry[];
  catalogue: {
    name: string;
    label: string;
    kind: "clip" | "image-features";
    convention: string;
    repo: string;
    revision: string | null;
    variants: { variant: string; pinned: boolean }[];
    note: string | null;
    installCommand: string;
  }[];
};

function conventionOf(name: string): string | null {
  const e = catalogueEntryForRepo(name);
  return e ? `${e.label} — ${e.convention}` : null;
}

export function listInstalled(modelsDir = config().modelsDir): InstalledEntry[] {
  let names: string[];
  try {
    names = fs
      .readdirSync(modelsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith("."))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
  return names.flatMap((folder): InstalledEntry[] => {
    try {
      const m = readInstalledModel(path.join(modelsDir, folder));
      if (!m) return [];
      const e = m.manifest;
      const entry = (e.model && catalogueEntry(e.model)) || catalogueEntryForRepo(e.repo);
      return [
        {
          folder,
          model: entry?.name ?? null,
          kind: e.kind,
          repo: e.repo,
          revision: e.revision,
          variant: e.variant,
          convention: conventionOf(e.repo),
          verified: e.files.every((f) => f.verified === "published"),
        },
      ];
    } catch (err) {
      if (!(err instanceof BrokenInstallError)) throw err;
      return [
        {
          folder,
          model: null,
          kind: "clip",
          repo: "?",
          revision: "?",
          variant: "?",
          convention: null,
          verified: false,
          problem: err.message,
        },
      ];
    }
  });
}

export async function listEvaluators(deps: {
  evaluator: () => Promise<EvaluatorIdentity>;
  featureSpaces: () => Promise<EvaluatorIdentity[]>;
}): Promise<EvaluatorsView> {
  const problems: string[] = [];
  const evaluator = await deps.evaluator().catch((e: unknown) => {
    problems.push(`evaluator: ${(e as Error).message}`);
    return null;
  });
  const spaces = await deps.featureSpaces().catch((e: unknown) => {
    problems.push(`feature spaces: ${(e as Error).message}`);
    return [] as EvaluatorIdentity[];
  });
  const warn = (e: EvaluatorIdentity) => {
    const w = evaluatorWarning(e);
    return w ? { warning: w } : {};
  };
  return {
    service: {
      evaluator: evaluator
        ? {
            id: evaluator.id,
            name: evaluator.name,
            variant: evaluator.variant,
            isFixture: evaluator.isFixture,
            convention: conventionOf(evaluator.name),
            ...warn(evaluator),
          }
        : null,
      featureSpaces: spaces.map((s) => ({
        id: s.id,
        name: s.name,
        recipe: s.recipe ?? null,
        label: featureSpaceName(s),
        convention: conventionOf(s.name),
        ...warn(s),
      })),
      problems,
    },
    installed: listInstalled(),
    catalogue: CATALOGUE.map((e) => ({
      name: e.name,
      label: e.label,
      kind: e.kind,
      convention: e.convention,
      repo: e.repo,
      revision: e.revision,
      variants: (Object.keys(e.files) as (keyof typeof e.files)[]).map((v) => ({
        variant: v,
        pinned: fullyPinned(e, v),
      })),
      note: e.note ?? null,
      installCommand: `npm run fetch-model -- --model ${e.name}${fullyPinned(e, "fp32") ? "" : e.revision ? " --allow-unverified" : " --revision <commit> --allow-unverified"}`,
    })),
  };
}
