import type { Metadata } from "next";
import { cookies } from "next/headers";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { getAuthConfig } from "../lib/env";
import { Nav } from "./components/nav";
import { parseThemeChoice, THEME_COOKIE } from "./components/theme-choice";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "PMA Lab", template: "%s · PMA Lab" },
  description: "Experiment tracker and ablation runner for checkpoint merging in LLM pre-training.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const theme = parseThemeChoice((await cookies()).get(THEME_COOKIE)?.value);
  // Every page renders per request: the Content-Security-Policy nonce (proxy.ts) is new each time, and a page
  // prerendered at build time would carry scripts without it.
  await connection();
  return (
    <html lang="en" data-theme={theme === "system" ? undefined : theme}>
      <body className="min-h-screen">
        <Nav signOut={getAuthConfig().required} />
        <main className="mx-auto w-full max-w-6xl px-6 pb-16 pt-8">{children}</main>
      </body>
    </html>
  );
}
