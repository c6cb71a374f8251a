import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Nav } from "./components/nav";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "PMA Lab", template: "%s · PMA Lab" },
  description: "Experiment tracker and ablation runner for checkpoint merging in LLM pre-training.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <Nav />
        <main className="mx-auto w-full max-w-6xl px-6 pb-16 pt-8">{children}</main>
      </body>
    </html>
  );
}
