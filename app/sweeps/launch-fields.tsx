"use client";

import type { ReactNode } from "react";
import { formatTokens } from "../../lib/merge/plan/tokens";
import type { LaunchRun } from "../../lib/sweeps/launch-facts";
import type { LaunchField, LaunchForm } from "../../lib/sweeps/launch-request";

/** The launcher's inputs, one group each; every input has a label and errors are tied to their field. */

export const inputClass = "w-full rounded-lg border border-line bg-surface px-3 py-2 text-sm placeholder:text-muted/70 aria-[invalid=true]:border-danger disabled:opacity-50";
const groupClass = "space-y-3 rounded-lg border border-line p-4";
const legendClass = "px-1 text-sm font-semibold";

export interface EvaluatorOption {
  name: string;
  description: string;
  gpu: boolean;
}

export interface FieldError {
  field: LaunchField | null;
  message: string;
}

type Update = (patch: Partial<LaunchForm>) => void;

function ErrorText({ id, error, field }: { id: string; error: FieldError | null; field: LaunchField }) {
  if (error?.field !== field) return null;
  return (
    <p id={id} role="alert" className="text-xs text-danger">
      {error.message}
    </p>
  );
}

function invalid(error: FieldError | null, field: LaunchField, id: string) {
  return error?.field === field ? { "aria-invalid": true, "aria-describedby": id } : {};
}

export function RunField({ runs, value, onChange, fixed, error }: { runs: LaunchRun[]; value: string; onChange: (run: string) => void; fixed?: boolean; error: FieldError | null }) {
  const trunks = runs.filter((run) => !run.isBranch);
  const branches = runs.filter((run) => run.isBranch);
  const option = (run: LaunchRun) => (
    <option key={run.name} value={run.name}>
      {run.name} — {run.checkpoints} checkpoints{run.kind ? ` (${run.kind})` : ""}
    </option>
  );
  return (
    <label className="block space-y-1.5 text-sm font-medium">
      Run
      <select name="run" value={value} onChange={(event) => onChange(event.target.value)} disabled={fixed} className={inputClass} {...invalid(error, "run", "run-error")}>
        {trunks.length > 0 ? <optgroup label="Runs">{trunks.map(option)}</optgroup> : null}
        {branches.length > 0 ? <optgroup label="Branches and restarts">{branches.map(option)}</optgroup> : null}
      </select>
      <ErrorText id="run-error" error={error} field="run" />
    </label>
  );
}

export function PointsField({ form, run, update, error }: { form: LaunchForm; run: LaunchRun | undefined; update: Update; error: FieldError | null }) {
  const points = form.points;
  const set = (next: LaunchForm["points"]) => update({ points: next });
  const every = points.mode === "every" ? points : { mode: "every" as const, every: 1, from: "", to: "" };
  const branchCount = run?.branchPoints.length ?? 0;
  const mode = (value: LaunchForm["points"]["mode"], label: ReactNode, disabled = false) => (
    <label className={`flex items-center gap-2 text-sm ${disabled ? "text-muted" : ""}`}>
      <input
        type="radio"
        name="points-mode"
        value={value}
        checked={points.mode === value}
        disabled={disabled}
        onChange={() => set(value === "list" ? { mode: "list", list: "" } : value === "every" ? every : { mode: "branches" })}
      />
      {label}
    </label>
  );
  return (
    <fieldset className={groupClass}>
      <legend className={legendClass}>Merge points T</legend>
      <div role="radiogroup" aria-label="How to choose merge points" className="flex flex-wrap gap-x-5 gap-y-2">
        {mode("every", "Every k-th checkpoint in a range")}
        {mode("list", "A list")}
        {mode("branches", `Branch points (${branchCount})`, branchCount === 0)}
      </div>
      {points.mode === "list" ? (
        <label className="block space-y-1.5 text-sm font-medium">
          Points
          <input name="points" value={points.list} onChange={(event) => set({ mode: "list", list: event.target.value })} placeholder="4M,8M or 500steps" spellCheck={false} className={`${inputClass} font-mono`} {...invalid(error, "points", "points-error")} />
        </label>
      ) : null}
      {points.mode === "every" ? (
        <div className="grid gap-3 sm:grid-cols-3">
          <label className="space-y-1.5 text-sm font-medium">
            k <span className="font-normal text-muted">(1: all)</span>
            <input name="every" type="number" min={1} value={points.every} onChange={(event) => set({ ...points, every: Math.max(1, Math.floor(Number(event.target.value) || 1)) })} className={`${inputClass} num`} {...invalid(error, "points", "points-error")} />
          </label>
          <label className="space-y-1.5 text-sm font-medium">
            From (tokens)
            <input name="from" value={points.from} onChange={(event) => set({ ...points, from: event.target.value })} placeholder={run?.minTokens != null ? formatTokens(run.minTokens) : "first"} spellCheck={false} className={`${inputClass} font-mono`} {...invalid(error, "points", "points-error")} />
          </label>
          <label className="space-y-1.5 text-sm font-medium">
            To (tokens)
            <input name="to" value={points.to} onChange={(event) => set({ ...points, to: event.target.value })} placeholder={run?.maxTokens != null ? formatTokens(run.maxTokens) : "last"} spellCheck={false} className={`${inputClass} font-mono`} {...invalid(error, "points", "points-error")} />
          </label>
        </div>
      ) : null}
      {points.mode === "branches" && run ? (
        <p className="text-xs text-muted">
          Forks of {run.branchPoints.map((branch) => `${branch.run} at ${formatTokens(branch.tokens)}`).join(", ")}: each merge gets an annealed baseline at its T.
        </p>
      ) : null}
      <ErrorText id="points-error" error={error} field="points" />
    </fieldset>
  );
}

export function GridFields({ form, run, update, error }: { form: LaunchForm; run: LaunchRun | undefined; update: Update; error: FieldError | null }) {
  const spacing = run?.spacing ?? null;
  const steps = spacing !== null && run?.tokensPerStep ? spacing / run.tokensPerStep : null;
  return (
    <fieldset className={groupClass}>
      <legend className={legendClass}>Windows</legend>
      <div className="grid gap-3 sm:grid-cols-3">
        <div className="space-y-1.5">
          <label htmlFor="launch-n" className="block text-sm font-medium">
            Window sizes N
          </label>
          <input id="launch-n" name="n" value={form.n} onChange={(event) => update({ n: event.target.value })} placeholder="3,6,10" spellCheck={false} className={`${inputClass} font-mono`} {...invalid(error, "n", "n-error")} />
          <ErrorText id="n-error" error={error} field="n" />
        </div>
        <div className="space-y-1.5">
          <label htmlFor="launch-intervals" className="block text-sm font-medium">
            Intervals V
          </label>
          <input id="launch-intervals" name="intervals" value={form.intervals} onChange={(event) => update({ intervals: event.target.value })} placeholder="1M,2M or 100steps" spellCheck={false} aria-describedby="spacing-hint" className={`${inputClass} font-mono`} {...invalid(error, "intervals", "intervals-error")} />
          <p id="spacing-hint" className="text-xs text-muted" data-testid="spacing-hint">
            {spacing === null ? "Checkpoint spacing unknown (fewer than two checkpoints)." : `Checkpoints every ${formatTokens(spacing)} tokens${steps !== null && Number.isInteger(steps) ? ` (${steps} steps)` : ""}.`}
          </p>
          <ErrorText id="intervals-error" error={error} field="intervals" />
        </div>
        <div className="space-y-1.5">
          <label htmlFor="launch-tolerance" className="block text-sm font-medium">
            Stand-in tolerance
          </label>
          <input id="launch-tolerance" name="tolerance" value={form.tolerance} onChange={(event) => update({ tolerance: event.target.value })} placeholder="1 % of V" spellCheck={false} className={`${inputClass} font-mono`} {...invalid(error, "tolerance", "tolerance-error")} />
          <p className="text-xs text-muted">Tokens either side a checkpoint may sit from its target.</p>
          <ErrorText id="tolerance-error" error={error} field="tolerance" />
        </div>
      </div>
    </fieldset>
  );
}

export function SchemesField({ form, update, error }: { form: LaunchForm; update: Update; error: FieldError | null }) {
  const schemes = form.schemes;
  const set = (patch: Partial<LaunchForm["schemes"]>) => update({ schemes: { ...schemes, ...patch } });
  const tick = (key: "sma" | "wma" | "ema", label: ReactNode) => (
    <label className="flex items-center gap-2 text-sm">
      <input type="checkbox" name={`scheme-${key}`} checked={schemes[key]} onChange={(event) => set({ [key]: event.target.checked })} />
      {label}
    </label>
  );
  return (
    <fieldset className={groupClass}>
      <legend className={legendClass}>Weighting schemes</legend>
      <div className="flex flex-wrap gap-x-5 gap-y-2">
        {tick("sma", "SMA (1/N)")}
        {tick("wma", "WMA (∝ i)")}
        {tick("ema", "EMA")}
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="space-y-1.5 text-sm font-medium">
          EMA α values
          <input name="alphas" value={schemes.alphas} disabled={!schemes.ema} onChange={(event) => set({ alphas: event.target.value })} placeholder="0.1,0.2" spellCheck={false} className={`${inputClass} font-mono`} {...invalid(error, "schemes", "schemes-error")} />
        </label>
        <div className="space-y-1.5 text-sm">
          <span id="ema-form-label" className="block font-medium">
            EMA form
          </span>
          <div role="radiogroup" aria-labelledby="ema-form-label" className="flex flex-wrap gap-x-4 gap-y-1 pt-1.5">
            {(["recursive", "closed", "both"] as const).map((value) => (
              <label key={value} className={`flex items-center gap-1.5 ${schemes.ema ? "" : "text-muted"}`}>
                <input type="radio" name="ema-form" value={value} checked={schemes.emaForm === value} disabled={!schemes.ema} onChange={() => set({ emaForm: value })} />
                {value === "recursive" ? "recursive (Eq. 4)" : value === "closed" ? "closed form" : "both"}
              </label>
            ))}
          </div>
        </div>
      </div>
      <label className="block space-y-1.5 text-sm font-medium">
        More schemes <span className="font-normal text-muted">(optional, e.g. custom:1/2/3)</span>
        <input name="other-schemes" value={schemes.other} onChange={(event) => set({ other: event.target.value })} placeholder="custom:1/2/3" spellCheck={false} className={`${inputClass} font-mono`} {...invalid(error, "schemes", "schemes-error")} />
      </label>
      <ErrorText id="schemes-error" error={error} field="schemes" />
    </fieldset>
  );
}

export function EvaluatorsField({ form, evaluators, update, problem }: { form: LaunchForm; evaluators: EvaluatorOption[]; update: Update; problem: string | null }) {
  const toggle = (name: string, on: boolean) => update({ evaluators: on ? [...form.evaluators, name] : form.evaluators.filter((item) => item !== name) });
  return (
    <fieldset className={groupClass}>
      <legend className={legendClass}>Evaluators</legend>
      {problem ? <p className="text-xs text-danger">{problem}</p> : null}
      <div className="space-y-2">
        {evaluators.map((evaluator) => (
          <label key={evaluator.name} className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="evaluator" value={evaluator.name} checked={form.evaluators.includes(evaluator.name)} onChange={(event) => toggle(evaluator.name, event.target.checked)} className="mt-1" />
            <span>
              <span className="font-mono text-xs font-medium">{evaluator.name}</span>
              {evaluator.gpu ? <span className="ml-1 text-xs text-muted">(GPU)</span> : null}
              <span className="block text-xs text-muted">{evaluator.description}</span>
            </span>
          </label>
        ))}
      </div>
      <label className="flex items-center gap-2 border-t border-line pt-3 text-sm">
        <input type="checkbox" name="keep" checked={form.keep} onChange={(event) => update({ keep: event.target.checked })} />
        Keep the merged models after evaluation
      </label>
    </fieldset>
  );
}

const slurmInputs: { key: keyof LaunchForm["slurm"]; label: string; placeholder: string }[] = [
  { key: "partition", label: "Partition", placeholder: "gpu" },
  { key: "account", label: "Account", placeholder: "llm" },
  { key: "qos", label: "QoS", placeholder: "normal" },
  { key: "time", label: "Time limit", placeholder: "4:00:00" },
  { key: "cpus", label: "CPUs", placeholder: "from the estimate" },
  { key: "mem", label: "Memory", placeholder: "from the estimate" },
  { key: "gpus", label: "GPUs per evaluation", placeholder: "1" },
  { key: "gpuType", label: "GPU type", placeholder: "h100" },
];

/** Workers or the Slurm cluster (shown only where slurm.json exists); blank sbatch settings come from slurm.json. */
export function ExecutorField({ form, update, error }: { form: LaunchForm; update: Update; error: FieldError | null }) {
  const setSlurm = (key: keyof LaunchForm["slurm"], value: string) => update({ slurm: { ...form.slurm, [key]: value } });
  return (
    <fieldset className={groupClass} aria-describedby="slurm-error">
      <legend className={legendClass}>Run on</legend>
      <div className="flex flex-wrap gap-4 text-sm">
        <label className="flex items-center gap-2">
          <input type="radio" name="executor" value="local" checked={form.executor === "local"} onChange={() => update({ executor: "local" })} /> Workers
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="executor" value="slurm" checked={form.executor === "slurm"} onChange={() => update({ executor: "slurm" })} /> Slurm cluster
        </label>
      </div>
      {form.executor === "slurm" ? (
        <div className="grid gap-3 sm:grid-cols-4">
          {slurmInputs.map((input) => (
            <label key={input.key} className="space-y-1 text-xs font-medium">
              {input.label}
              <input name={`slurm-${input.key}`} value={form.slurm[input.key] ?? ""} placeholder={input.placeholder} onChange={(event) => setSlurm(input.key, event.target.value)} spellCheck={false} className={`${inputClass} font-mono`} />
            </label>
          ))}
          <label className="space-y-1 text-xs font-medium sm:col-span-4">
            Extra sbatch options, one per line
            <textarea name="slurm-sbatch" rows={2} value={form.slurm.sbatch ?? ""} onChange={(event) => setSlurm("sbatch", event.target.value)} spellCheck={false} className={`${inputClass} font-mono`} />
          </label>
        </div>
      ) : null}
      <ErrorText id="slurm-error" error={error} field="slurm" />
    </fieldset>
  );
}
