import Link from "next/link";
import type { SweepScores } from "../../../lib/analysis-data";
import { ButtonLink, PageHeader } from "../../components/ui";

/** The header of a sweep research page: a link back to the sweep, the page title and a link to its sibling page. */
export function ResearchHeader({ sweep, title, description, sibling }: { sweep: SweepScores; title: string; description: string; sibling: { href: string; label: string } }) {
  return (
    <PageHeader
      eyebrow={<Link href={`/sweeps/${sweep.sweepId}`} className="hover:underline">← Sweep #{sweep.sweepId}</Link>}
      title={`${title} · ${sweep.run.name}`}
      description={description}
      actions={<ButtonLink href={`/sweeps/${sweep.sweepId}/${sibling.href}`} variant="secondary">{sibling.label}</ButtonLink>}
    />
  );
}
