"use client";

import { useActionState, type ReactNode } from "react";
import { ScanResultView } from "../components/scan-result";
import { idleScanState } from "../components/scan-state";
import { buttonClass, Card } from "../components/ui";
import { registerAction } from "./actions";

const inputClass =
  "w-full rounded-lg border border-line bg-surface px-3 py-2 text-sm placeholder:text-muted/70 aria-[invalid=true]:border-danger";

function Field({ name, label, hint, error, children }: { name: string; label: string; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={name} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${name}-error`} className="text-xs text-danger">
          {error}
        </p>
      ) : hint ? (
        <p className="text-xs text-muted">{hint}</p>
      ) : null}
    </div>
  );
}

/** The registration form; the result (or the refusal) appears beside it without leaving the page. */
export function RegisterForm({ runNames }: { runNames: string[] }) {
  const [state, action, pending] = useActionState(registerAction, idleScanState);
  const values = state.values ?? {};
  const errors = state.status === "error" ? (state.fieldErrors ?? {}) : {};
  const input = (name: string, props: Record<string, unknown> = {}) => ({
    id: name,
    name,
    defaultValue: values[name] ?? "",
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": errors[name] ? `${name}-error` : undefined,
    className: inputClass,
    ...props,
  });

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      {/* key: React resets a form after its action; remounting with the submitted values keeps them. */}
      <form action={action} key={JSON.stringify(values)} className="space-y-5 rounded-xl border border-line bg-surface p-5 shadow-sm shadow-black/[0.03]" aria-label="Register checkpoints">
        <Field name="directory" label="Checkpoint directory" hint="Absolute path; each checkpoint is a sub-directory with model.safetensors or shards." error={errors.directory}>
          <input {...input("directory", { placeholder: "/data/runs/llama-1b", required: true, spellCheck: false, className: `${inputClass} font-mono` })} />
        </Field>
        <div className="grid gap-5 sm:grid-cols-2">
          <Field name="run" label="Run name" hint="Letters, digits, '.', '_', '-', '/' and spaces." error={errors.run}>
            <input {...input("run", { placeholder: "llama-1b-wsd", required: true })} />
          </Field>
          <Field name="kind" label="Kind" hint="Optional label, e.g. annealed." error={errors.kind}>
            <input {...input("kind", { placeholder: "baseline" })} />
          </Field>
          <Field name="tokensPerStep" label="Tokens per step" hint="Places steps on the token axis." error={errors.tokensPerStep}>
            <input {...input("tokensPerStep", { inputMode: "numeric", placeholder: "4194304" })} />
          </Field>
          <Field name="schedule" label="LR schedule" hint="Steps at which each phase ends." error={errors.schedule}>
            <input {...input("schedule", { placeholder: "warmup:2000,stable:80000,decay:100000", spellCheck: false, className: `${inputClass} font-mono` })} />
          </Field>
        </div>
        <fieldset className="rounded-lg border border-dashed border-line p-4">
          <legend className="px-1 text-sm font-medium">Branch or restart (optional)</legend>
          <div className="grid gap-5 sm:grid-cols-2">
            <Field name="branchOf" label="Branch of" hint="The run this one was forked from." error={errors.branchOf}>
              <input {...input("branchOf", { list: "run-names", placeholder: "llama-1b-wsd" })} />
            </Field>
            <Field name="forkTokens" label="Fork tokens" hint="Token count at the fork." error={errors.forkTokens}>
              <input {...input("forkTokens", { inputMode: "numeric", placeholder: "2000000000" })} />
            </Field>
          </div>
          <div className="mt-5">
            <Field
              name="initFrom"
              label="Initialised from (PMA-init)"
              hint="The merged checkpoint directory this run resumed from, or its recipe hash: the run page then shows its lineage."
              error={errors.initFrom}
            >
              <input {...input("initFrom", { placeholder: "/data/pma-lab/artifacts/inits/<recipe hash>", spellCheck: false, className: `${inputClass} font-mono` })} />
            </Field>
          </div>
          <datalist id="run-names">
            {runNames.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </fieldset>
        <div className="flex items-center gap-3">
          <button type="submit" className={buttonClass("primary")} disabled={pending}>
            {pending ? "Scanning…" : "Register and scan"}
          </button>
          {pending ? <span className="text-sm text-muted">Reading headers and fingerprints…</span> : null}
        </div>
      </form>

      <div aria-live="polite">
        {state.status === "ok" ? (
          <Card title="Registered">
            <ScanResultView result={state.result} />
          </Card>
        ) : state.status === "error" ? (
          <div role="alert" data-testid="register-error" className="rounded-xl border border-danger/30 bg-danger-soft p-5">
            <h2 className="text-sm font-semibold text-danger">Not registered</h2>
            <p className="mt-1 text-sm">{state.message}</p>
            {state.code ? <p className="mt-2 font-mono text-xs text-muted">{state.code}</p> : null}
          </div>
        ) : (
          <Card title="How registration works">
            <ul className="list-disc space-y-2 pl-4 text-sm text-muted">
              <li>Every sub-directory with safetensors weights becomes a checkpoint; its step comes from the name (e.g. <code className="font-mono">step-2000</code>).</li>
              <li>Headers are validated; a malformed or mismatched file is rejected with its reason, and nothing else is lost.</li>
              <li>A <code className="font-mono">train_log.jsonl</code> in the directory is imported for the loss and LR curves.</li>
              <li>Registering the same directory again rescans it: new checkpoints are added, vanished ones marked missing.</li>
            </ul>
          </Card>
        )}
      </div>
    </div>
  );
}
