"use client";

import { useActionState } from "react";
import { buttonClass } from "../components/ui";
import { signInAction, type SignInState } from "./actions";

const idle: SignInState = { status: "idle" };

/** One field: the token from `pma-lab auth token create NAME`. */
export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState(signInAction, idle);
  return (
    <form action={action} className="space-y-4" aria-label="Sign in">
      <input type="hidden" name="next" value={next} />
      <div className="space-y-1.5">
        <label htmlFor="token" className="block text-sm font-medium">
          Access token
        </label>
        <input
          id="token"
          name="token"
          type="password"
          required
          autoComplete="current-password"
          spellCheck={false}
          placeholder="pmau_…"
          aria-invalid={state.status === "error" ? true : undefined}
          aria-describedby={state.status === "error" ? "token-error" : undefined}
          className="w-full rounded-lg border border-line bg-surface px-3 py-2 font-mono text-sm placeholder:text-muted/70 aria-[invalid=true]:border-danger"
        />
        {state.status === "error" ? (
          <p id="token-error" role="alert" className="text-xs text-danger">
            {state.message}
          </p>
        ) : null}
      </div>
      <button type="submit" className={buttonClass()} disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
