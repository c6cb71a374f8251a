"use client";

import { chooseTheme, useThemeChoice } from "./color-mode";
import type { ThemeChoice } from "./theme-choice";

const choices: { value: ThemeChoice; label: string; icon: string }[] = [
  { value: "system", label: "Follow the system's colour scheme", icon: "◐" },
  { value: "light", label: "Light", icon: "☀" },
  { value: "dark", label: "Dark", icon: "☾" },
];

/** System / light / dark, as a segmented radio group (arrow keys move between the options). */
export function ThemeSwitch() {
  const current = useThemeChoice();
  return (
    <div role="radiogroup" aria-label="Colour scheme" className="flex items-center rounded-lg border border-line p-0.5 text-xs">
      {choices.map((choice) => (
        <label key={choice.value} title={choice.label} className="cursor-pointer">
          <input type="radio" name="theme" value={choice.value} checked={current === choice.value} onChange={() => chooseTheme(choice.value)} className="peer sr-only" />
          <span
            aria-hidden
            className="grid size-6 place-items-center rounded-md text-muted transition-colors peer-checked:bg-subtle peer-checked:text-fg peer-focus-visible:outline-2 peer-focus-visible:outline-accent"
          >
            {choice.icon}
          </span>
          <span className="sr-only">{choice.label}</span>
        </label>
      ))}
    </div>
  );
}
