import Link from "next/link";
import { Card, Code, EmptyState } from "../../components/ui";
import type { SweepScores } from "../../../lib/analysis-data";

/** The sweep has nothing scored yet: say why that may be and how to get scores. */
export function NoScores({ sweep }: { sweep: SweepScores }) {
  const cells = sweep.data.cells.length;
  return (
    <Card>
      <EmptyState title="No scores to chart yet" icon="〰">
        {cells === 0 ? (
          <>This sweep has no feasible cells, so there is no merged model to score.</>
        ) : sweep.evaluators.length > 0 ? (
          <>
            Its {cells} merged models are scored by <Code>{sweep.evaluators.join(", ")}</Code> once they are published. Follow the evaluations on{" "}
            <Link href="/jobs" className="text-accent hover:underline">Jobs</Link>; this page fills in as scores arrive.
          </>
        ) : (
          <>
            The sweep was created without evaluators. Create it with <Code>--evaluators NAME</Code> (see <Code>pma-lab evaluators</Code>), or{" "}
            <Link href="/imports" className="text-accent hover:underline">import scores</Link> computed elsewhere.
          </>
        )}
      </EmptyState>
    </Card>
  );
}
