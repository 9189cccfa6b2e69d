import type { Metadata } from "next";
import Link from "next/link";
import { UserText } from "@/app/_components/user-text";
import { listReferenceSets } from "@/lib/reference-sets/list-reference-sets";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Reference sets" };

export default function ReferenceSetsPage() {
  const sets = listReferenceSets();
  return (
    <div>
      <h1 className="text-2xl font-semibold">Reference sets</h1>
      <p className="mt-1 max-w-2xl text-sm text-slate-600">
        Real images that runs are compared with: FD in the evaluator&apos;s embedding space, CMMD, precision/recall and
        density/coverage. A set tied to a prompt set holds images per prompt (then recall and coverage are also computed
        per prompt); a global set applies to every run. Upload one with the button below,{" "}
        <code>npm run reference-sets -- upload</code> or <code>POST /api/v1/reference-sets</code>; in the toy world,{" "}
        <code>npm run toy:reference</code> renders one.
      </p>
      <p className="mt-3">
        <Link
          href="/reference-sets/upload"
          className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
          data-testid="upload-reference-set"
        >
          Upload a reference set
        </Link>
      </p>
      {sets.length === 0 ? (
        <p className="mt-4 text-sm" data-testid="no-reference-sets">
          No reference sets yet.
        </p>
      ) : (
        <div className="mt-4 overflow-x-auto">
          <table className="w-full min-w-[32rem] border-collapse bg-white text-sm" data-testid="reference-sets">
            <thead>
              <tr className="border-b border-slate-200 text-left">
                <th scope="col" className="p-2">
                  Name
                </th>
                <th scope="col" className="p-2 text-right">
                  Version
                </th>
                <th scope="col" className="p-2 text-right">
                  Images
                </th>
                <th scope="col" className="p-2">
                  Applies to
                </th>
              </tr>
            </thead>
            <tbody>
              {sets.map((s) => (
                <tr key={s.id} className="border-b border-slate-100">
                  <td className="whitespace-nowrap p-2">
                    <Link href={`/reference-sets/${s.id}`} className="underline">
                      <UserText text={s.name} expand={false} />
                    </Link>
                  </td>
                  <td className="p-2 text-right">{s.version}</td>
                  <td className="p-2 text-right">{s.imageCount}</td>
                  <td className="p-2">
                    {s.promptSet ? (
                      <>
                        runs of prompt set <UserText text={s.promptSet.name} expand={false} /> v{s.promptSet.version}
                      </>
                    ) : (
                      "every run (global)"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
