"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { Spike } from "../../../lib/analysis/spikes";
import { isPmaError } from "../../../lib/errors";
import { DEFAULT_INIT_K, selectInitCheckpoints, type InitAnchor, type InitSelection } from "../../../lib/init/select";
import { formatTokens } from "../../../lib/merge/plan/tokens";
import type { SchemeSpec } from "../../../lib/merge/weights";
import { Badge, buttonClass, TableHead, tableClass } from "../../components/ui";
import { startPmaInitAction } from "./actions";

export interface InitCheckpoint {
  id: number;
  step: number;
  tokens: number | null;
  status: string;
}

type SchemeChoice = "sma" | "wma" | "ema";
const inputClass = "w-full rounded-lg border border-line bg-surface px-3 py-2 text-sm";

/**
 * Spike recovery and PMA-init: the detected spikes (each with "PMA-init from here"), and a form — anchor (before a
 * spike, or up to any checkpoint), k (the paper's 3 by default), scheme (SMA) — that shows the checkpoints it will
 * merge before anything is queued. The server plans again from its own rows; this preview uses the same function.
 */
export function PmaInitPanel({ runName, spikes, checkpoints }: { runName: string; spikes: (Spike & { index: number })[]; checkpoints: InitCheckpoint[] }) {
  const router = useRouter();
  const newest = [...checkpoints].filter((c) => c.status === "present").sort((a, b) => b.step - a.step);
  const [anchorKey, setAnchorKey] = useState(spikes.length > 0 ? "spike:1" : newest[0] ? `point:${newest[0].id}` : "");
  const [k, setK] = useState(DEFAULT_INIT_K);
  const [scheme, setScheme] = useState<SchemeChoice>("sma");
  const [alpha, setAlpha] = useState("0.2");
  const [pending, start] = useTransition();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const anchor = resolveAnchor(anchorKey, spikes, checkpoints);
  const spec: SchemeSpec = scheme === "ema" ? { scheme: "ema", alpha: Number(alpha), form: "recursive" } : { scheme };
  const planned = plan(checkpoints, anchor?.anchor ?? null, k, spec);

  const submit = () =>
    start(async () => {
      if (!anchor) return;
      const result = await startPmaInitAction({ run: runName, target: anchor.target, k, scheme: spec });
      if (!result.ok) setOutcome({ ok: false, text: result.message });
      else {
        const what = result.status === "published" ? "Already published" : result.status === "in-flight" ? `Already being made by job #${result.jobId}` : `Queued as job #${result.jobId}`;
        setOutcome({ ok: true, text: `${what}: ${result.path}` });
      }
      router.refresh();
    });

  return (
    <div className="space-y-5">
      {spikes.length > 0 ? (
        <div className="overflow-x-auto rounded-lg border border-line">
          <table className={tableClass.table} data-testid="spike-table">
            <TableHead labels={["Spike", "From step", "Tokens", "Baseline → peak", "Recovered", ""]} />
            <tbody>
              {spikes.map((spike) => (
                <tr key={spike.index}>
                  <td className={tableClass.td}>
                    <Badge tone="danger">spike {spike.index}</Badge>
                  </td>
                  <td className={tableClass.tdNum}>{spike.startStep}</td>
                  <td className={tableClass.tdNum}>{spike.startTokens === null ? "—" : formatTokens(spike.startTokens)}</td>
                  <td className={tableClass.tdNum}>
                    {spike.baseline.toPrecision(4)} → {Number.isFinite(spike.peak) ? `${spike.peak.toPrecision(4)} (+${(100 * spike.rise).toFixed(1)} %)` : String(spike.peak)}
                  </td>
                  <td className={tableClass.td}>{spike.recovered ? `by step ${spike.endStep}` : "no"}</td>
                  <td className={tableClass.td}>
                    <button type="button" className="text-sm font-medium text-accent hover:underline" onClick={() => setAnchorKey(`spike:${spike.index}`)} aria-label={`PMA-init from before spike ${spike.index}`}>
                      PMA-init from here
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="text-sm text-muted">No loss spike detected in this run&apos;s log. A PMA-init can still start from any checkpoint.</p>
      )}

      <form
        aria-label="PMA-init"
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <div className="grid gap-4 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1fr)_minmax(0,1fr)]">
          <label className="space-y-1.5 text-sm font-medium">
            Merge the last k checkpoints
            <select name="anchor" value={anchorKey} onChange={(event) => setAnchorKey(event.target.value)} className={inputClass}>
              {spikes.length > 0 ? (
                <optgroup label="Before a spike">
                  {spikes.map((spike) => (
                    <option key={spike.index} value={`spike:${spike.index}`}>
                      before spike {spike.index} (step {spike.startStep})
                    </option>
                  ))}
                </optgroup>
              ) : null}
              <optgroup label="Up to a checkpoint">
                {newest.map((c) => (
                  <option key={c.id} value={`point:${c.id}`} disabled={c.tokens === null}>
                    up to step {c.step}
                    {c.tokens === null ? " (no token count)" : ` (${formatTokens(c.tokens)} tokens)`}
                  </option>
                ))}
              </optgroup>
            </select>
          </label>
          <label className="space-y-1.5 text-sm font-medium">
            k
            <input name="k" type="number" min={1} max={64} value={k} onChange={(event) => setK(Math.max(1, Math.floor(Number(event.target.value) || 1)))} className={`${inputClass} num`} />
          </label>
          <label className="space-y-1.5 text-sm font-medium">
            Scheme
            <select name="scheme" value={scheme} onChange={(event) => setScheme(event.target.value as SchemeChoice)} className={inputClass}>
              <option value="sma">SMA (paper default)</option>
              <option value="wma">WMA</option>
              <option value="ema">EMA</option>
            </select>
          </label>
          <label className="space-y-1.5 text-sm font-medium">
            EMA α
            <input name="alpha" value={alpha} disabled={scheme !== "ema"} onChange={(event) => setAlpha(event.target.value)} className={`${inputClass} font-mono disabled:opacity-50`} />
          </label>
        </div>

        <div aria-live="polite" data-testid="init-preview">
          {planned.ok ? (
            <div className="space-y-2">
              <p className="text-sm">
                <span className="font-medium">{planned.selection.label}</span>
                <span className="text-muted"> — resumes at step {planned.selection.inputs[planned.selection.inputs.length - 1].step}</span>
              </p>
              <ol className="flex flex-wrap gap-1.5" aria-label="Checkpoints to merge, oldest first">
                {planned.selection.inputs.map((input) => (
                  <li key={input.checkpointId} className="rounded border border-line px-2 py-0.5 font-mono text-xs">
                    step {input.step}
                    {input.tokens === null ? "" : ` · ${formatTokens(input.tokens)}`} · <span className="text-accent">{Number(input.weight.toPrecision(4))}</span>
                  </li>
                ))}
              </ol>
              {planned.selection.notes.map((note) => (
                <p key={note} className="text-xs text-warn">
                  Note: {note}.
                </p>
              ))}
            </div>
          ) : (
            <p className="text-sm text-danger">{planned.message}</p>
          )}
        </div>

        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={buttonClass("primary")} disabled={pending || !planned.ok}>
            {pending ? "Queueing…" : "Create PMA-init checkpoint"}
          </button>
          {outcome ? (
            <p role={outcome.ok ? "status" : "alert"} className={`break-all text-sm ${outcome.ok ? "text-muted" : "text-danger"}`} data-testid="init-outcome">
              {outcome.text}
            </p>
          ) : null}
        </div>
      </form>
    </div>
  );
}

function resolveAnchor(key: string, spikes: Spike[], checkpoints: InitCheckpoint[]): { anchor: InitAnchor; target: { spike: number } | { tokens: number } } | null {
  const [kind, value] = key.split(":");
  if (kind === "spike") {
    const index = Number(value);
    const spike = spikes[index - 1];
    return spike ? { anchor: { kind: "spike", startStep: spike.startStep, startTokens: spike.startTokens }, target: { spike: index } } : null;
  }
  const checkpoint = checkpoints.find((c) => c.id === Number(value));
  return checkpoint?.tokens != null ? { anchor: { kind: "point", tokens: checkpoint.tokens }, target: { tokens: checkpoint.tokens } } : null;
}

function plan(checkpoints: InitCheckpoint[], anchor: InitAnchor | null, k: number, scheme: SchemeSpec): { ok: true; selection: InitSelection } | { ok: false; message: string } {
  if (!anchor) return { ok: false, message: "Pick where the window ends." };
  try {
    return { ok: true, selection: selectInitCheckpoints(checkpoints, anchor, k, scheme) };
  } catch (error) {
    return { ok: false, message: isPmaError(error) ? error.message : String(error) };
  }
}
