import { ButtonLink, Card, EmptyState } from "./components/ui";

export default function NotFound() {
  return (
    <Card>
      <EmptyState title="Page not found" icon="?" action={<ButtonLink href="/">Back to the overview</ButtonLink>}>
        Nothing lives at this address.
      </EmptyState>
    </Card>
  );
}
