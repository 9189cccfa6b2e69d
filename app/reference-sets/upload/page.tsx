import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { pickablePromptSets } from "@/lib/prompt-sets/list-prompt-sets";
import { ReferenceSetUploadForm } from "./reference-set-upload-form";

export const metadata: Metadata = { title: "Upload a reference set" };

export default async function ReferenceSetUploadPage() {
  // Per request: the prompt sets to pick from change with every upload.
  await connection();
  return (
    <div>
      <p className="text-sm">
        <Link href="/reference-sets" className="underline">
          Reference sets
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Upload a reference set</h1>
      <p className="mt-1 max-w-2xl text-sm text-slate-600">
        Real images that runs are compared with. Give an archive (.zip, .tar or .tar.gz holding manifest.jsonl or
        manifest.csv and the images), or a manifest together with the images it names. With a prompt set, each manifest
        row names its image&apos;s prompt (<code>prompt</code> or <code>prompt_id</code>) and the metrics are also
        computed per prompt; without one the set is global and applies to every run. The upload is checked with the same
        rules and limits as <code>POST /api/v1/reference-sets</code> before anything is stored; a rejected upload leaves
        nothing behind. Uploading an existing name makes its next version.
      </p>
      <ReferenceSetUploadForm promptSets={pickablePromptSets()} />
    </div>
  );
}
