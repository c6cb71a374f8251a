import { createColumnHelper } from "@tanstack/react-table";
import { formatBytes, formatCount } from "../../../lib/format";
import { formatLr, shortHash } from "../../../lib/charts/format";
import { Badge, PhaseBadge } from "../../components/ui";
import { checkpointFeatures } from "./checkpoint-features";
import type { CheckpointRow } from "./run-data";

const helper = createColumnHelper<typeof checkpointFeatures, CheckpointRow>();

/** Column ids that may appear in the `sort` URL parameter. */
export const sortableColumns = ["step", "tokens", "lr", "phase", "dtypes", "params", "bytes", "shards", "status", "sha256"] as const;

/** Columns the text filter searches (the rest are numbers best compared by sorting). */
export const searchableColumns = new Set(["step", "tokens", "phase", "dtypes", "status", "sha256"]);

export const checkpointColumns = helper.columns([
  helper.accessor("step", {
    header: "Step",
    meta: { numeric: true },
    cell: (info) => <span title={info.row.original.path}>{info.getValue().toLocaleString("en-US")}</span>,
  }),
  helper.accessor("tokens", {
    header: "Tokens",
    meta: { numeric: true },
    sortUndefined: "last",
    cell: (info) => <span title={info.getValue()?.toLocaleString("en-US")}>{formatCount(info.getValue())}</span>,
  }),
  helper.accessor("lr", { header: "LR", meta: { numeric: true }, cell: (info) => formatLr(info.getValue()) }),
  helper.accessor("phase", {
    header: "Phase",
    filterFn: "equalsString",
        cell: (info) => <PhaseBadge phase={info.getValue()} />,
  }),
  helper.accessor("dtypes", { header: "Dtypes", cell: (info) => <span className="font-mono text-xs">{info.getValue()}</span> }),
  helper.accessor("params", {
    header: "Params",
    meta: { numeric: true },
    cell: (info) => <span title={`${info.getValue().toLocaleString("en-US")} parameters in ${info.row.original.tensorCount} tensors`}>{formatCount(info.getValue())}</span>,
  }),
  helper.accessor("bytes", { header: "Size", meta: { numeric: true }, cell: (info) => formatBytes(info.getValue()) }),
  helper.accessor("shards", { header: "Shards", meta: { numeric: true } }),
  helper.accessor("status", {
    header: "Status",
        cell: (info) => <Badge tone={info.getValue() === "present" ? "ok" : "danger"}>{info.getValue()}</Badge>,
  }),
  helper.accessor("sha256", {
    header: "SHA-256",
        sortUndefined: "last",
    cell: (info) => (
      <span className="font-mono text-xs text-muted" title={info.getValue() ?? "not hashed yet"}>
        {shortHash(info.getValue())}
      </span>
    ),
  }),
]);
