"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { ThemeSwitch } from "./theme-switch";
import { signOutAction } from "../sign-in/actions";

const links = [
  { href: "/runs", label: "Runs" },
  { href: "/sweeps", label: "Sweeps" },
  { href: "/compare", label: "Compare" },
  { href: "/reports", label: "Reports" },
  { href: "/jobs", label: "Jobs" },
  { href: "/register", label: "Register" },
  { href: "/imports", label: "Import scores" },
];

/** The top bar: product name and the main sections, with the current one highlighted. */
export function Nav({ signOut = false }: { signOut?: boolean }) {
  const pathname = usePathname();
  return (
    <header className="sticky top-0 z-20 border-b border-line bg-surface/85 backdrop-blur">
      <nav className="mx-auto flex h-14 max-w-6xl items-center gap-8 px-6" aria-label="Main">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
          <span aria-hidden className="grid size-7 place-items-center rounded-md bg-accent text-xs font-bold text-on-accent">
            Σ
          </span>
          PMA Lab
        </Link>
        <ul className="flex items-center gap-1 text-sm">
          {links.map((link) => {
            const active = pathname === link.href || pathname.startsWith(`${link.href}/`);
            return (
              <li key={link.href}>
                <Link
                  href={link.href}
                  aria-current={active ? "page" : undefined}
                  className={`rounded-md px-3 py-1.5 transition-colors ${
                    active ? "bg-subtle font-medium text-fg" : "text-muted hover:bg-subtle hover:text-fg"
                  }`}
                >
                  {link.label}
                </Link>
              </li>
            );
          })}
        </ul>
        <div className="ml-auto flex items-center gap-2">
          <ThemeSwitch />
          {signOut && pathname !== "/sign-in" ? (
            <form action={signOutAction}>
              <button type="submit" className="rounded-md px-3 py-1.5 text-sm text-muted transition-colors hover:bg-subtle hover:text-fg">
                Sign out
              </button>
            </form>
          ) : null}
        </div>
      </nav>
    </header>
  );
}
