/** The colour scheme a user chose in the top bar: kept in a cookie so the server renders the page in it. */
export type ThemeChoice = "system" | "light" | "dark";

export const THEME_COOKIE = "pma-theme";

export function parseThemeChoice(value: string | undefined): ThemeChoice {
  return value === "light" || value === "dark" ? value : "system";
}
