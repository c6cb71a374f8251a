/**
 * Escaping for each output format. Run, metric and evaluator names are user data: whatever they contain renders
 * as text, never as markup, and never as a spreadsheet formula.
 */

const HTML: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML[char]);
}

/**
 * Text for Markdown (CommonMark / GFM): every ASCII punctuation character that can start or end markup is
 * backslash-escaped (backslash-escapes are defined for all ASCII punctuation, so over-escaping is harmless), then
 * angle brackets and ampersands become entities so no raw HTML survives, and line breaks become spaces (a table
 * cell or list item stays on its line).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (char) => `\\${char}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n|\r/g, " ");
}

/** Text inside a fenced code block: only a fence of backticks could end it early, so lengthen the fence. */
export function markdownFence(text: string, info = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${info}\n${text.replace(/\n$/, "")}\n${fence}`;
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text that a spreadsheet would run
 * as a formula (= + - @, tab, carriage return first) gets a leading apostrophe (OWASP's advice); numbers are
 * written as numbers, so negative values stay numeric.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const neutral = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(neutral) ? `"${neutral.replace(/"/g, '""')}"` : neutral;
}

export function csvRow(values: (string | number | null)[]): string {
  return values.map(csvField).join(",");
}
