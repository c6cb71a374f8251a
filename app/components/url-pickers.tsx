"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useOptimistic, useTransition } from "react";

/**
 * Pickers whose state lives in the URL: a choice rewrites one search parameter (keeping the others) and the
 * server page re-renders for it, so every view is a shareable link. `pending` dims the page's charts meanwhile.
 */
export interface PickerOption {
  value: string;
  label: string;
}

/** One URL parameter, shown at once (optimistically) while the server renders the page for it. */
function useUrlParam<T>(name: string, current: T, encode: (value: T) => string) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, start] = useTransition();
  const [shown, show] = useOptimistic(current);
  const set = (value: T) => {
    const next = new URLSearchParams(params);
    const text = encode(value);
    if (text) next.set(name, text);
    else next.delete(name);
    const query = next.toString();
    start(() => {
      show(value);
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    });
  };
  return { shown, set, pending };
}

const selectClass = "rounded-md border border-line bg-surface px-2 py-1.5 text-sm disabled:opacity-60";

export function UrlSelect({ name, label, value, options }: { name: string; label: string; value: string; options: PickerOption[] }) {
  const { shown, set, pending } = useUrlParam(name, value, (v) => v);
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="text-muted">{label}</span>
      <select name={name} aria-label={label} value={shown} disabled={options.length === 0} onChange={(event) => set(event.target.value)} className={selectClass} aria-busy={pending}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A set of checkboxes stored as one comma-separated parameter; an empty set removes it (the page's default). */
export function UrlCheckboxes({ name, label, values, options }: { name: string; label: string; values: string[]; options: PickerOption[] }) {
  const { shown, set, pending } = useUrlParam(name, values, (list) => list.join(","));
  const toggle = (value: string, on: boolean) => {
    const next = on ? [...shown, value] : shown.filter((v) => v !== value);
    set(options.map((o) => o.value).filter((v) => next.includes(v)));
  };
  return (
    <fieldset className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm" aria-busy={pending}>
      <legend className="sr-only">{label}</legend>
      <span className="text-muted">{label}</span>
      {options.map((option) => (
        <label key={option.value} className="flex items-center gap-1.5">
          <input type="checkbox" checked={shown.includes(option.value)} onChange={(event) => toggle(option.value, event.target.checked)} className="accent-accent" />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
