// The ≠ mark on runs (variant page) and variants (leaderboard) whose settings differ from the rest of their curve.
export function SettingsDifferBadge({ label, title, testId }: { label: string; title: string; testId: string }) {
  return (
    <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-900" title={title} data-testid={testId}>
      ≠ {label}
    </span>
  );
}
