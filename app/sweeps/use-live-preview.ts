"use client";

import { useEffect, useRef, useState } from "react";
import type { LaunchForm } from "../../lib/sweeps/launch-request";
import type { LaunchPreview } from "../../lib/sweeps/launch-preview";
import { previewLaunchAction, type PreviewResult } from "./actions";

export interface LivePreview {
  /** The latest answer for the latest form (kept on screen while the next one is computed). */
  result: PreviewResult | null;
  /** The last preview that succeeded, shown dimmed while the form has an error or is being re-previewed. */
  lastGood: LaunchPreview | null;
  /** A newer form is waiting for its preview. */
  stale: boolean;
}

/**
 * Re-previews the form `delayMs` after the last edit. Answers to superseded forms are dropped, so a slow answer
 * never overwrites a newer one.
 */
export function useLivePreview(form: LaunchForm, sweepId?: number, delayMs = 350): LivePreview {
  const key = JSON.stringify(form);
  const [answer, setAnswer] = useState<{ key: string; result: PreviewResult } | null>(null);
  const [lastGood, setLastGood] = useState<LaunchPreview | null>(null);
  const latest = useRef(key);
  useEffect(() => {
    latest.current = key;
    const timer = setTimeout(() => {
      previewLaunchAction(JSON.parse(key), sweepId)
        .catch((error: unknown): PreviewResult => ({ ok: false, message: `The preview failed: ${String(error)}`, field: null }))
        .then((result) => {
          if (latest.current !== key) return;
          setAnswer({ key, result });
          if (result.ok) setLastGood(result.preview);
        });
    }, delayMs);
    return () => clearTimeout(timer);
  }, [key, sweepId, delayMs]);
  return { result: answer?.result ?? null, lastGood, stale: answer?.key !== key };
}
