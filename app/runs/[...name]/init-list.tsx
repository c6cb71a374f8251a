import Link from "next/link";
import { formatBytes } from "../../../lib/format";
import type { InitView, RunLineage } from "../../../lib/init/view";
import { runHref } from "../../components/run-href";
import { Badge, Code, type Tone } from "../../components/ui";

const tones: Record<string, Tone> = { published: "ok", queued: "neutral", running: "accent", failed: "danger", cancelled: "warn", succeeded: "danger" };

/** The run's PMA-init checkpoints: what each merged and why, where it is, and which runs resumed from it. */
export function InitList({ inits }: { inits: InitView[] }) {
  return (
    <ul className="divide-y divide-line" data-testid="init-list">
      {inits.map((init) => (
        <li key={init.recipeHash} className="space-y-1.5 px-5 py-3.5 text-sm">
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone={tones[init.status] ?? "neutral"}>{init.status === "succeeded" ? "not published" : init.status}</Badge>
            <span className="font-medium">{init.label}</span>
            <span className="text-muted">{init.anchor}</span>
            <Link href={`/jobs/${init.jobId}`} className="text-xs text-accent hover:underline">
              job #{init.jobId}
            </Link>
          </div>
          {init.path ? (
            <p className="break-all text-xs text-muted">
              <Code>{init.path}</Code> · {formatBytes(init.bytes)} · recipe <span className="font-mono">{init.recipeHash.slice(0, 12)}</span>
            </p>
          ) : null}
          {init.error ? <p className="text-xs text-danger">{init.error}</p> : null}
          {init.resumedBy.length > 0 ? (
            <p className="text-xs">
              Resumed by{" "}
              {init.resumedBy.map((name, i) => (
                <span key={name}>
                  {i > 0 ? ", " : ""}
                  <Link href={runHref(name)} className="text-accent hover:underline">
                    {name}
                  </Link>
                </span>
              ))}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** "Initialised from SMA of <run> steps a, b, c (k=3)", linking the source run and naming the merged checkpoint. */
export function LineageNote({ lineage }: { lineage: RunLineage }) {
  return (
    <p className="mt-1 text-sm text-muted" data-testid="run-lineage">
      Initialised from {lineage.scheme} of{" "}
      {lineage.source ? (
        <Link href={runHref(lineage.source.name)} className="font-medium text-accent hover:underline">
          {lineage.source.name}
        </Link>
      ) : (
        "a run no longer registered"
      )}{" "}
      steps <span className="num text-fg">{lineage.steps.join(", ")}</span> (k={lineage.k})
      {lineage.path ? (
        <>
          {" "}
          · <span className="break-all font-mono text-xs">{lineage.path}</span>
        </>
      ) : (
        <> · recipe <span className="font-mono text-xs">{lineage.recipeHash.slice(0, 12)}</span></>
      )}
    </p>
  );
}
