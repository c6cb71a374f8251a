import type { Metadata } from "next";
import { connection } from "next/server";
import { getDb } from "../../db";
import { listRuns } from "../../db/queries";
import { getConfig } from "../../lib/env";
import { Code, PageHeader } from "../components/ui";
import { RegisterForm } from "./register-form";

export const metadata: Metadata = { title: "Register checkpoints" };

export default async function RegisterPage() {
  await connection();
  const runNames = listRuns(getDb()).map((run) => run.name);
  const { roots } = getConfig();
  return (
    <>
      <PageHeader
        title="Register checkpoints"
        description={
          <>
            Record a run from a directory of checkpoints. Allowed roots:{" "}
            {roots.map((root, index) => (
              <span key={root}>
                {index > 0 ? ", " : ""}
                <Code>{root}</Code>
              </span>
            ))}
          </>
        }
      />
      <RegisterForm runNames={runNames} />
    </>
  );
}
