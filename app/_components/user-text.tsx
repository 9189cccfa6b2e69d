// Text that users typed or uploaded (prompts, names, file names, samplers, error messages) as the
// pages show it: its direction isolated from the page around it (<bdi dir="auto">, which browsers
// give unicode-bidi: isolate, so an unclosed right-to-left override stays inside), long unbroken
// runs wrapped anywhere, and anything over `max` characters cut with the full text on demand.

/** Characters shown before a text is cut (code points, so no surrogate pair is split). */
export const USER_TEXT_MAX = 200;

/**
 * One piece of user text. Over `max` code points it shows the start and "…", the full text in its
 * `title`, and (with `expand`, the default) a "show all" disclosure; pass `expand={false}` inside
 * links and headings, where a <details> element is not allowed.
 */
export function UserText({
  text,
  max = USER_TEXT_MAX,
  expand = true,
  titleMax,
  className = "",
}: {
  text: string;
  max?: number;
  expand?: boolean;
  /** Cut the `title` (the full text on hover) at this many code points: pages that show many long texts stay bounded. */
  titleMax?: number;
  className?: string;
}) {
  const chars = Array.from(text);
  const title = titleMax !== undefined && chars.length > titleMax ? `${chars.slice(0, titleMax).join("")}…` : text;
  const wrap = `[overflow-wrap:anywhere] ${className}`;
  if (chars.length <= max) {
    return (
      <bdi dir="auto" className={wrap} data-user-text="">
        {text}
      </bdi>
    );
  }
  const head = (
    <bdi dir="auto" className={wrap} title={title} data-user-text="">
      {chars.slice(0, max).join("")}…
    </bdi>
  );
  if (!expand) return head;
  return (
    <details className="inline">
      <summary className="inline cursor-pointer list-none">
        {head}{" "}
        <span className="text-xs text-indigo-700 underline">
          show all {chars.length.toLocaleString("en-US")} characters
        </span>
      </summary>
      <bdi
        dir="auto"
        className="mt-1 block max-h-64 overflow-y-auto whitespace-pre-wrap [overflow-wrap:anywhere]"
        data-user-text=""
      >
        {text}
      </bdi>
    </details>
  );
}

/**
 * Plain-text direction isolation for user text inside a longer string (an error line, a title
 * attribute): wraps it in U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL ISOLATE, which ends
 * any embedding or override left open inside it (Unicode Bidirectional Algorithm, UAX #9, X6a).
 */
export function isolateText(text: string): string {
  return `\u2068${text}\u2069`;
}
