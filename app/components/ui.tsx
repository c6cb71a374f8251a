import Link from "next/link";
import type { ReactNode } from "react";

/** Small presentational pieces shared by every page (no hooks, usable from server and client components). */

export function PageHeader({ title, description, actions, eyebrow }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; eyebrow?: ReactNode }) {
  return (
    <div className="mb-8 flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        {eyebrow ? <div className="mb-1 text-sm text-muted">{eyebrow}</div> : null}
        <h1 className="text-2xl font-semibold tracking-tight break-words">{title}</h1>
        {description ? <div className="mt-1 text-sm text-muted">{description}</div> : null}
      </div>
      {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
    </div>
  );
}

export function Card({ title, description, actions, children, className = "", padded = true }: {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  padded?: boolean;
}) {
  return (
    <section className={`rounded-xl border border-line bg-surface shadow-sm shadow-black/[0.03] ${className}`}>
      {title ? (
        <header className="flex flex-wrap items-center justify-between gap-3 border-b border-line px-5 py-3.5">
          <div>
            <h2 className="text-sm font-semibold">{title}</h2>
            {description ? <p className="mt-0.5 text-xs text-muted">{description}</p> : null}
          </div>
          {actions}
        </header>
      ) : null}
      <div className={padded ? "p-5" : ""}>{children}</div>
    </section>
  );
}

export function Stat({ label, value, hint }: { label: ReactNode; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium uppercase tracking-wide text-muted">{label}</dt>
      <dd className="num mt-1 truncate text-lg font-semibold">{value}</dd>
      {hint ? <dd className="num truncate text-xs text-muted">{hint}</dd> : null}
    </div>
  );
}

const tones = {
  neutral: "bg-subtle text-muted ring-line",
  accent: "bg-accent-soft text-accent ring-accent/25",
  ok: "bg-ok-soft text-ok ring-ok/25",
  warn: "bg-warn-soft text-warn ring-warn/25",
  danger: "bg-danger-soft text-danger ring-danger/25",
  violet: "bg-violet/10 text-violet ring-violet/25",
} as const;

export type Tone = keyof typeof tones;

export function Badge({ children, tone = "neutral" }: { children: ReactNode; tone?: Tone }) {
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset whitespace-nowrap ${tones[tone]}`}>{children}</span>;
}

const phaseTones: Record<string, Tone> = { warmup: "warn", stable: "accent", decay: "violet" };

export function PhaseBadge({ phase }: { phase: string | null }) {
  return phase ? <Badge tone={phaseTones[phase] ?? "neutral"}>{phase}</Badge> : <span className="text-muted">—</span>;
}

export function ButtonLink({ href, children, variant = "primary" }: { href: string; children: ReactNode; variant?: "primary" | "secondary" }) {
  return (
    <Link href={href} className={buttonClass(variant)}>
      {children}
    </Link>
  );
}

export function buttonClass(variant: "primary" | "secondary" = "primary"): string {
  const base = "inline-flex items-center justify-center gap-2 rounded-lg px-3.5 py-2 text-sm font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-60";
  return variant === "primary"
    ? `${base} bg-accent text-on-accent hover:bg-accent/90`
    : `${base} border border-line bg-surface text-fg hover:bg-subtle`;
}

export function EmptyState({ title, children, action, icon = "∅" }: { title: ReactNode; children?: ReactNode; action?: ReactNode; icon?: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center px-6 py-14 text-center">
      <div aria-hidden className="mb-4 grid size-12 place-items-center rounded-full bg-subtle text-xl text-muted">
        {icon}
      </div>
      <h3 className="text-base font-semibold">{title}</h3>
      {children ? <div className="mt-1 max-w-md text-sm text-muted">{children}</div> : null}
      {action ? <div className="mt-5">{action}</div> : null}
    </div>
  );
}

export function Code({ children }: { children: ReactNode }) {
  return <code className="rounded bg-subtle px-1.5 py-0.5 font-mono text-[0.8em]">{children}</code>;
}

const th = "border-b border-line bg-subtle/60 px-3 py-2 text-xs font-medium uppercase tracking-wide text-muted whitespace-nowrap";
const td = "border-b border-line/70 px-3 py-2 align-middle";

/** Shared table look: header row, hairline rows, right-aligned tabular numbers. One class per cell kind. */
export const tableClass = {
  table: "w-full border-collapse text-sm",
  th: `${th} text-left`,
  thNum: `${th} text-right`,
  td: `${td} text-left whitespace-nowrap`,
  tdNum: `${td} text-right whitespace-nowrap num`,
  tdWrap: `${td} text-left break-words`,
};

/** A table's header row of plain text labels in the shared look. */
export function TableHead({ labels }: { labels: string[] }) {
  return (
    <thead>
      <tr>
        {labels.map((label) => (
          <th key={label} className={tableClass.th}>
            {label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
