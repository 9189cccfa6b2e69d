// The body of every 404 page: what was not found, and links to what exists instead.
import Link from "next/link";
import { UserText } from "./user-text";

export type NotFoundLink = { href: string; label: string; note?: string };

export function NotFoundPanel({
  title,
  message,
  linksHeading,
  links,
  more,
}: {
  title: string;
  message: string;
  linksHeading: string;
  links: NotFoundLink[];
  more?: NotFoundLink;
}) {
  return (
    <div data-testid="not-found">
      <p className="text-sm font-medium text-slate-500">404</p>
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="mt-2 max-w-2xl text-slate-700">{message}</p>
      <h2 className="mt-6 text-lg font-semibold">{linksHeading}</h2>
      {links.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600">
          None yet.{" "}
          <Link href="/upload" className="underline">
            Upload a batch
          </Link>{" "}
          to make one.
        </p>
      ) : (
        <ul className="mt-2 space-y-1 text-sm">
          {links.map((l) => (
            <li key={l.href}>
              <Link href={l.href} className="underline">
                <UserText text={l.label} expand={false} />
              </Link>
              {l.note && <span className="ml-2 text-slate-500">{l.note}</span>}
            </li>
          ))}
        </ul>
      )}
      {more && (
        <p className="mt-4 text-sm">
          <Link href={more.href} className="underline">
            {more.label}
          </Link>
        </p>
      )}
    </div>
  );
}
