import type { Metadata } from "next";
import { comparisonPanel, configLabel, schemeLabel, scoreVsTokens, type ComparisonPanel, type MergeGain } from "../../../../lib/analysis";
import { formatSigned } from "../../../../lib/charts/format";
import { formatCount } from "../../../../lib/format";
import { PanelChart, ScoreVsTokensChart } from "../../../components/research-charts";
import { Card, EmptyState } from "../../../components/ui";
import { NoScores } from "../no-scores";
import { hasMergeScores, loadResearchPage, type ResearchPageProps } from "../research-data";
import { ResearchHeader } from "../research-header";
import { SelectionBar } from "../selection-bar";

export const metadata: Metadata = { title: "Sweep charts" };

function gainSummary(gains: MergeGain[]): string {
  if (gains.length === 0) return "No merge point has both the merge and the latest checkpoint scored.";
  const better = gains.filter((g) => g.improved === true).length;
  const mean = gains.reduce((sum, g) => sum + g.delta, 0) / gains.length;
  const verdict = gains.some((g) => g.improved !== null) ? `The merge beats the latest checkpoint at ${better} of ${gains.length} merge points` : `${gains.length} merge points compared (the metric states no direction)`;
  return `${verdict}; mean change ${formatSigned(mean)}.`;
}

function winnerSummary(panel: ComparisonPanel): string | null {
  if (panel.winners.length === 0) return null;
  return `Best per merge point: ${panel.winners.map((w) => `${formatCount(w.point)} ${w.label}`).join(" · ")}.`;
}

function PanelCard({ title, description, panel, label }: { title: string; description: string; panel: ComparisonPanel; label: string }) {
  const winners = winnerSummary(panel);
  return (
    <Card title={title} description={description}>
      {panel.series.length > 0 ? (
        <>
          <PanelChart panel={panel} label={label} />
          {winners ? <p className="mt-2 text-xs text-muted">{winners}</p> : null}
        </>
      ) : (
        <EmptyState title="Nothing scored with these settings" icon="∅">
          Pick another scheme, N or V above.
        </EmptyState>
      )}
    </Card>
  );
}

export default async function SweepChartsPage(props: ResearchPageProps) {
  const research = await loadResearchPage(props);
  const { sweep, selection } = research;
  const header = <ResearchHeader sweep={sweep} title="Charts" description="Scores of the merged models against training tokens, next to the run's own checkpoints and its annealed branches." sibling={{ href: "prediction", label: "Annealing prediction →" }} />;
  if (!hasMergeScores(sweep) || !selection.metric || !selection.config) {
    return (
      <>
        {header}
        <NoScores sweep={sweep} />
      </>
    );
  }
  const metric = selection.metric.name;
  const config = selection.config;
  const overTokens = scoreVsTokens(sweep.data, metric, config);
  const schemes = comparisonPanel(sweep.data, metric, "scheme", config);
  const ns = comparisonPanel(sweep.data, metric, "n", config);
  const vs = comparisonPanel(sweep.data, metric, "interval", config);
  return (
    <>
      {header}
      <div className="space-y-6">
        <SelectionBar research={research} />
        <Card title="Score vs training tokens" description={`The latest un-merged checkpoint, PMA ${configLabel(config)} at each merge point T, and each annealed branch (paper Fig. 2/3). Bands: ± stderr where known.`}>
          <ScoreVsTokensChart result={overTokens} label={`Score vs training tokens: ${metric}`} />
          <p className="mt-2 text-xs text-muted">{gainSummary(overTokens.gains)}</p>
        </Card>
        <PanelCard
          title="Scheme comparison"
          description={`Every weighting scheme at N=${config.n}, V=${formatCount(config.interval)} (paper Fig. 4).`}
          panel={schemes}
          label={`Scheme comparison: ${metric}`}
        />
        <div className="grid gap-6 lg:grid-cols-2">
          <PanelCard title="V panel" description={`${schemeLabel(config.scheme)} at N=${config.n}, each interval V (paper Fig. 5, upper).`} panel={vs} label={`V panel: ${metric}`} />
          <PanelCard title="N panel" description={`${schemeLabel(config.scheme)} at V=${formatCount(config.interval)}, each window N (paper Fig. 5, lower).`} panel={ns} label={`N panel: ${metric}`} />
        </div>
      </div>
    </>
  );
}
