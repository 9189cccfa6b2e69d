import type { Metadata } from "next";
import { UploadForm } from "./upload-form";

export const metadata: Metadata = { title: "Upload samples" };

export default function UploadPage() {
  return (
    <div>
      <h1 className="text-2xl font-semibold">Upload a sample batch</h1>
      <p className="mt-1 max-w-2xl text-sm text-slate-600">
        One archive per run: the samples of one variant at one guidance scale. The batch is checked (types, sizes,
        paths, manifest) before anything is stored; a rejected upload leaves nothing behind. Scoring starts right away
        and its progress shows on the run&apos;s page. From a script, use <code>npm run upload</code> or{" "}
        <code>POST /api/v1/runs</code>.
      </p>
      <UploadForm />
    </div>
  );
}
