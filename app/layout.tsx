import type { Metadata } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { Nav } from "./components/nav";
import { parseThemeChoice, THEME_COOKIE } from "./components/theme-choice";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "PMA Lab", template: "%s · PMA Lab" },
  description: "Experiment tracker and ablation runner for checkpoint merging in LLM pre-training.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const theme = parseThemeChoice((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" data-theme={theme === "system" ? undefined : theme}>
      <body className="min-h-screen">
        <Nav />
        <main className="mx-auto w-full max-w-6xl px-6 pb-16 pt-8">{children}</main>
      </body>
    </html>
  );
}
