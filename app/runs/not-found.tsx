import { ButtonLink, Card, EmptyState } from "../components/ui";

export default function RunNotFound() {
  return (
    <Card>
      <EmptyState title="No such run" icon="?" action={<ButtonLink href="/runs">See all runs</ButtonLink>}>
        There is no run with this name. It may have been renamed, or never registered.
      </EmptyState>
    </Card>
  );
}
