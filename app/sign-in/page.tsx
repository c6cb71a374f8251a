import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { safeNextPath } from "../../lib/auth";
import { getAuthConfig } from "../../lib/env";
import { Card, Code, PageHeader } from "../components/ui";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  await connection();
  const { next } = await searchParams;
  const target = safeNextPath(Array.isArray(next) ? next[0] : next);
  // On a local, loopback-only server there is nobody to sign in as.
  if (!getAuthConfig().required) redirect(target);
  return (
    <div className="mx-auto max-w-md">
      <PageHeader title="Sign in" description="This PMA Lab server is shared: sign in with an access token." />
      <Card>
        <SignInForm next={target} />
        <p className="mt-5 text-xs text-muted">
          An administrator creates tokens on the server with <Code>pma-lab auth token create NAME</Code>. Scripts can send
          the token instead, as <Code>Authorization: Bearer …</Code>.
        </p>
      </Card>
    </div>
  );
}
