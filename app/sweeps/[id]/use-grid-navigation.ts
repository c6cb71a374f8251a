"use client";

import { usePathname, useRouter } from "next/navigation";
import { useTransition } from "react";
import { patchGridState, writeGridState, type GridState } from "../../../lib/sweeps/grid/state";

/**
 * Moves the grid to a new state by changing the URL: the server renders the new page (sorting, filtering and
 * paging happen there), the link stays shareable, and each change is a history entry the back button returns to.
 * Typing in the search box replaces the entry instead, so one search is one step back.
 */
export function useGridNavigation(state: GridState) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const hrefFor = (patch: Partial<GridState>) => {
    const query = writeGridState(patchGridState(state, patch)).toString();
    return query ? `${pathname}?${query}` : pathname;
  };
  const go = (patch: Partial<GridState>, options: { replace?: boolean } = {}) => {
    const href = hrefFor(patch);
    startTransition(() => (options.replace ? router.replace(href, { scroll: false }) : router.push(href, { scroll: false })));
  };
  return { go, hrefFor, pending };
}
