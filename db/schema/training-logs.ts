import { integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { runs } from "./runs";

/**
 * Training-log series in long form (loss, lr, grad_norm, ... by step). Append-only: a re-import of the same
 * (run, series, step) replaces the value instead of duplicating it.
 */
export const trainingLogs = sqliteTable(
  "training_logs",
  {
    runId: integer("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    series: text("series").notNull(),
    step: integer("step").notNull(),
    tokens: integer("tokens"),
    value: real("value").notNull(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.series, table.step] })],
);

export type TrainingLogPoint = typeof trainingLogs.$inferSelect;
