import type { Metadata } from "next";
import { annealingPrediction, configLabel, predictionByConfig } from "../../../../lib/analysis";
import { Card, Code, EmptyState } from "../../../components/ui";
import { PredictionLineChart, PredictionScatterChart } from "../../../components/research-charts";
import { NoScores } from "../no-scores";
import { hasMergeScores, loadResearchPage, type ResearchPageProps } from "../research-data";
import { ResearchHeader } from "../research-header";
import { SelectionBar } from "../selection-bar";
import { AgreementTable, ConfigTable, ForkTable, MissingForks } from "./tables";

export const metadata: Metadata = { title: "Annealing prediction" };

function NoBranches({ run }: { run: string }) {
  return (
    <Card>
      <EmptyState title="No annealed branches to predict" icon="⑂">
        The prediction sets a merge at T against an annealed branch forked from <Code>{run}</Code> at T. Register the anneals as branches (
        <Code>pma-lab scan DIR --branch-of {run} --fork-tokens T --kind annealed</Code>), score their final checkpoints, and include their fork points among
        the sweep&apos;s merge points.
      </EmptyState>
    </Card>
  );
}

export default async function PredictionPage(props: ResearchPageProps) {
  const research = await loadResearchPage(props);
  const { sweep, selection } = research;
  const header = <ResearchHeader sweep={sweep} title="Annealing prediction" description="Does a cheap merge at T tell what an expensive anneal from T reaches? Each fork point's merged score against the annealed branch's final score." sibling={{ href: "charts", label: "Charts →" }} />;
  if (sweep.data.annealed.length === 0) {
    return (
      <>
        {header}
        <NoBranches run={sweep.run.name} />
      </>
    );
  }
  if (!hasMergeScores(sweep) || !selection.metric || !selection.config) {
    return (
      <>
        {header}
        <NoScores sweep={sweep} />
      </>
    );
  }
  const metric = selection.metric.name;
  const prediction = annealingPrediction(sweep.data, metric, selection.config);
  const byConfig = predictionByConfig(sweep.data, metric);
  return (
    <>
      {header}
      <div className="space-y-6">
        <SelectionBar research={research} />
        <Card title="Agreement across fork points" description={`PMA ${configLabel(selection.config)} at each fork point T against the anneal from T; the latest un-merged checkpoint at T is the predictor to beat. Error = predicted − annealed.`} padded={false}>
          <AgreementTable prediction={prediction} />
        </Card>
        {prediction.rows.length > 0 ? (
          <div className="grid gap-6 lg:grid-cols-2">
            <Card title="Merged at T vs annealed from T" description="On the dashed diagonal the prediction is exact; labels are fork points.">
              <PredictionScatterChart prediction={prediction} label={`Annealing prediction scatter: ${metric}`} />
            </Card>
            <Card title="Over fork points" description="The merge at T, the anneal's final score and the latest checkpoint at T, by fork point.">
              <PredictionLineChart prediction={prediction} label={`Annealing prediction by fork point: ${metric}`} />
            </Card>
          </div>
        ) : null}
        <Card title="Per fork point" padded={false}>
          <ForkTable prediction={prediction} />
          <MissingForks prediction={prediction} />
        </Card>
        <Card title="Every merge configuration" description="How well each scheme × N × V predicts the anneals on this metric, most accurate first." padded={false}>
          <ConfigTable rows={byConfig} selected={selection.config} metric={metric} />
        </Card>
      </div>
    </>
  );
}
