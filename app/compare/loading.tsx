import { ChartsLoading } from "../components/research-states";

export default function Loading() {
  return <ChartsLoading label="Loading comparison" charts={2} />;
}
