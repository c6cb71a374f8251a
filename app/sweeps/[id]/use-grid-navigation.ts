"use client";

import { usePathname, useRouter } from "next/navigation";
import { useOptimistic, useTransition } from "react";
import { patchGridState, writeGridState, type GridState } from "../../../lib/sweeps/grid/state";

/**
 * Moves the grid to a new state by changing the URL: the server renders the new page (sorting, filtering and
 * paging happen there), the link stays shareable, and each change is a history entry the back button returns to.
 * Typing in the search box replaces the entry instead, so one search is one step back. Until the server answers,
 * `state` is the state asked for, so the controls show the choice at once.
 */
export function useGridNavigation(current: GridState) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const [state, setState] = useOptimistic(current);
  const hrefFor = (patch: Partial<GridState>) => {
    const query = writeGridState(patchGridState(state, patch)).toString();
    return query ? `${pathname}?${query}` : pathname;
  };
  const go = (patch: Partial<GridState>, options: { replace?: boolean } = {}) => {
    const href = hrefFor(patch);
    startTransition(() => {
      setState(patchGridState(state, patch));
      if (options.replace) router.replace(href, { scroll: false });
      else router.push(href, { scroll: false });
    });
  };
  return { state, go, hrefFor, pending };
}
