"use client";

import { useSyncExternalStore } from "react";
import type { ChartMode } from "../../lib/charts/theme";
import { THEME_COOKIE, type ThemeChoice } from "./theme-choice";

const darkQuery = "(prefers-color-scheme: dark)";

/** The user's choice as the page carries it (`data-theme` on <html>); none means "follow the system". */
function currentChoice(): ThemeChoice {
  const value = document.documentElement.dataset.theme;
  return value === "light" || value === "dark" ? value : "system";
}

function subscribe(onChange: () => void): () => void {
  const media = window.matchMedia(darkQuery);
  media.addEventListener("change", onChange);
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => {
    media.removeEventListener("change", onChange);
    observer.disconnect();
  };
}

/** The scheme in force: the user's choice, else the system's. Charts follow it. */
export function useColorMode(): ChartMode {
  return useSyncExternalStore(
    subscribe,
    () => {
      const choice = currentChoice();
      if (choice !== "system") return choice;
      return window.matchMedia(darkQuery).matches ? "dark" : "light";
    },
    () => "light",
  );
}

export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore(subscribe, currentChoice, () => "system");
}

/** Applies a choice at once and remembers it for a year (the server reads the cookie on the next page). */
export function chooseTheme(choice: ThemeChoice): void {
  if (choice === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
  const maxAge = choice === "system" ? 0 : 365 * 24 * 3600;
  document.cookie = `${THEME_COOKIE}=${choice}; path=/; max-age=${maxAge}; samesite=strict`;
}
