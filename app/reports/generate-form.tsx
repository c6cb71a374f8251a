"use client";

import { useActionState } from "react";
import { buttonClass } from "../components/ui";
import { generateReportAction, type GenerateState } from "./actions";

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

const idle: GenerateState = { status: "idle" };
const inputClass = "w-full rounded-lg border border-line bg-surface px-3 py-2 text-sm placeholder:text-muted/70";
const forms = [
  { value: "html", label: "HTML" },
  { value: "pdf", label: "PDF" },
  { value: "md", label: "Markdown" },
  { value: "csv", label: "CSV / JSON" },
];

function ChoiceList({ name, legend, choices, empty }: { name: string; legend: string; choices: Choice[]; empty: string }) {
  return (
    <fieldset className="min-w-0 space-y-1.5">
      <legend className="text-sm font-medium">{legend}</legend>
      <div className="max-h-48 overflow-y-auto rounded-lg border border-line p-2">
        {choices.length === 0 ? <p className="px-1 text-sm text-muted">{empty}</p> : null}
        {choices.map((choice) => (
          <label key={choice.value} className="flex items-baseline gap-2 rounded px-1 py-0.5 text-sm hover:bg-subtle">
            <input type="checkbox" name={name} value={choice.value} />
            <span className="min-w-0 break-words">{choice.label}</span>
            {choice.hint ? <span className="ml-auto shrink-0 text-xs text-muted">{choice.hint}</span> : null}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Pick sweeps and runs, the forms to write, optionally the metric and a title; the report opens when written. */
export function GenerateForm({ sweeps, runs }: { sweeps: Choice[]; runs: Choice[] }) {
  const [state, action, pending] = useActionState(generateReportAction, idle);
  return (
    <form action={action} className="space-y-4" aria-label="Generate a report">
      <div className="grid gap-4 md:grid-cols-2">
        <ChoiceList name="sweep" legend="Sweeps" choices={sweeps} empty="No sweeps yet." />
        <ChoiceList name="run" legend="Runs (their sweeps, branches and restarts)" choices={runs} empty="No runs yet." />
      </div>
      <div className="grid gap-4 md:grid-cols-3">
        <label className="space-y-1.5 text-sm font-medium">
          Metric
          <input name="metric" placeholder="default: the most scored" spellCheck={false} className={`${inputClass} font-mono`} />
        </label>
        <label className="space-y-1.5 text-sm font-medium md:col-span-2">
          Title
          <input name="title" placeholder="default: from the scope" className={inputClass} />
        </label>
      </div>
      <div className="flex flex-wrap items-center gap-4">
        <span className="text-sm font-medium">Forms</span>
        {forms.map((form) => (
          <label key={form.value} className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="format" value={form.value} defaultChecked /> {form.label}
          </label>
        ))}
        <span className="grow" />
        <button type="submit" disabled={pending} className={buttonClass("primary")}>
          {pending ? "Writing…" : "Generate report"}
        </button>
      </div>
      {state.status === "error" ? (
        <p role="alert" className="text-sm text-danger">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
