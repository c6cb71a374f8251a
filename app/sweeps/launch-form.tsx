"use client";

import { useActionState } from "react";
import { formatBytes } from "../../lib/format";
import { buttonClass, Card } from "../components/ui";
import { launchSweepAction, type LaunchState } from "./actions";
import { CellsTable } from "./cells-table";

const inputClass = "w-full rounded-lg border border-line bg-surface px-3 py-2 text-sm placeholder:text-muted/70";
const idle: LaunchState = { status: "idle" };

const fields = [
  { name: "points", label: "Merge points T", placeholder: "4M,8M", hint: "tokens: 1.2M, 4B, or 500steps" },
  { name: "n", label: "Window sizes N", placeholder: "3,6", hint: "whole numbers" },
  { name: "interval", label: "Intervals V", placeholder: "1M,2M", hint: "tokens or steps" },
  { name: "schemes", label: "Schemes", placeholder: "sma,wma,ema:0.1", hint: "sma, wma, ema:α[:closed], custom:1/2/3" },
];

/** Grid builder: preview every cell (with reasons and the cost) before launching. */
export function LaunchForm({ runNames }: { runNames: string[] }) {
  const [state, action, pending] = useActionState(launchSweepAction, idle);
  const values = state.values ?? {};
  const preview = state.status === "preview" ? state.preview : undefined;
  return (
    <div className="space-y-6">
      <form action={action} key={JSON.stringify(values)} className="space-y-4 rounded-xl border border-line bg-surface p-5 shadow-sm shadow-black/[0.03]" aria-label="Launch a sweep">
        <div className="grid gap-4 sm:grid-cols-5">
          <label className="space-y-1.5 text-sm font-medium">
            Run
            <select name="run" defaultValue={values.run ?? runNames[0]} className={inputClass}>
              {runNames.map((name) => (
                <option key={name}>{name}</option>
              ))}
            </select>
          </label>
          {fields.map((field) => (
            <label key={field.name} className="space-y-1.5 text-sm font-medium">
              {field.label}
              <input name={field.name} defaultValue={values[field.name] ?? ""} placeholder={field.placeholder} required spellCheck={false} className={`${inputClass} font-mono`} />
              <span className="block text-xs font-normal text-muted">{field.hint}</span>
            </label>
          ))}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="keep" defaultChecked={values.keep === "on"} /> Keep merged models after evaluation
          </label>
          <span className="grow" />
          <button type="submit" name="intent" value="preview" disabled={pending} className={buttonClass("secondary")}>
            Preview
          </button>
          <button type="submit" name="intent" value="launch" disabled={pending} className={buttonClass("primary")}>
            {pending ? "Working…" : "Launch"}
          </button>
        </div>
        {state.status === "error" ? (
          <p role="alert" className="text-sm text-danger">
            {state.message}
          </p>
        ) : null}
      </form>
      {preview ? (
        <Card
          title="Preview"
          description={`${preview.cells.length} cells · ${preview.estimate.outputs} merges in ${preview.estimate.jobs.length} fused pass(es) · read ${formatBytes(preview.estimate.bytesToRead)} · write ${formatBytes(preview.estimate.bytesToWrite)} · ${formatBytes(preview.estimate.freeBytes)} free`}
          padded={false}
        >
          {preview.disk.ok ? null : <p className="border-b border-line px-5 py-2 text-sm text-danger">{preview.disk.message}</p>}
          <CellsTable cells={preview.cells} />
        </Card>
      ) : null}
    </div>
  );
}
