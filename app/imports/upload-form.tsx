"use client";

import { useState, type FormEvent } from "react";
import { buttonClass } from "../components/ui";

const inputClass = "w-full rounded-lg border border-line bg-surface px-3 py-2 text-sm placeholder:text-muted/70";

type Outcome = { ok: true; lines: string[] } | { ok: false; message: string } | null;

interface Imported {
  target: string;
  metrics: number;
  duplicate: boolean;
}

/** Reads the file in the browser and posts its text to /api/imports as JSON (same origin; 8 MiB at most). */
export function UploadForm({ runNames }: { runNames: string[] }) {
  const [format, setFormat] = useState<"lm-eval" | "csv">("lm-eval");
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return setOutcome({ ok: false, message: "Choose a file." });
    const body: Record<string, unknown> = { format, name: file.name, content: await file.text() };
    if (format === "lm-eval") {
      const checkpoint = String(form.get("checkpoint") ?? "").trim();
      if (checkpoint) body.checkpoint = checkpoint;
      else Object.assign(body, { run: String(form.get("run") ?? ""), step: Number(form.get("step")) });
    }
    setBusy(true);
    try {
      const response = await fetch("/api/imports", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const json = await response.json();
      if (!response.ok) return setOutcome({ ok: false, message: json.error?.message ?? `HTTP ${response.status}` });
      const imported = json.imported as Imported[];
      const lines = imported.map((i) => `${i.target}: ${i.metrics} metric(s)${i.duplicate ? " — already imported, nothing changed" : ""}`);
      setOutcome({ ok: true, lines: [...lines, ...(json.warnings as string[])] });
    } catch (error) {
      setOutcome({ ok: false, message: (error as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-4">
      <div className="flex gap-4 text-sm">
        {(["lm-eval", "csv"] as const).map((value) => (
          <label key={value} className="flex items-center gap-2">
            <input type="radio" name="format" checked={format === value} onChange={() => setFormat(value)} />
            {value === "lm-eval" ? "lm-evaluation-harness results JSON" : "CSV (run, step or checkpoint, metric, value, stderr, n)"}
          </label>
        ))}
      </div>
      <input type="file" name="file" accept={format === "csv" ? ".csv,text/csv" : ".json,application/json"} className="text-sm" />
      {format === "lm-eval" ? (
        <div className="grid gap-3 sm:grid-cols-3">
          <input name="checkpoint" placeholder="checkpoint directory (or run + step)" className={inputClass} />
          <select name="run" className={inputClass} defaultValue={runNames[0] ?? ""}>
            {runNames.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
          <input name="step" type="number" min={0} placeholder="step" className={inputClass} />
        </div>
      ) : null}
      <button className={buttonClass()} disabled={busy}>
        {busy ? "Importing…" : "Import"}
      </button>
      {outcome ? (
        <div className={`text-sm ${outcome.ok ? "text-ok" : "text-danger"}`}>
          {outcome.ok ? outcome.lines.map((line) => <div key={line}>{line}</div>) : outcome.message}
        </div>
      ) : null}
    </form>
  );
}
