"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { allowPublicAction, createSessionValue, safeNextPath, SESSION_COOKIE, sessionCookieOptions, verifyUserToken } from "../../lib/auth";
import { getAuthConfig, getConfig } from "../../lib/env";

export interface SignInState {
  status: "idle" | "error";
  message?: string;
}

/** True when the page was served over HTTPS (directly or behind a TLS-terminating proxy): the cookie is then Secure. */
function overHttps(requestHeaders: Headers): boolean {
  return requestHeaders.get("x-forwarded-proto")?.split(",")[0].trim() === "https";
}

/** Trades a token for a session cookie (HttpOnly, SameSite=Strict); a wrong token learns nothing more than that. */
export async function signInAction(_previous: SignInState, formData: FormData): Promise<SignInState> {
  const requestHeaders = await headers();
  allowPublicAction(requestHeaders, "signing in is how a session starts: the token in the form is verified right here");
  const token = verifyUserToken(getConfig().dataDir, String(formData.get("token") ?? "").trim());
  if (!token) return { status: "error", message: "That token is not valid (or was revoked). Ask for a new one: pma-lab auth token create NAME" };
  const session = createSessionValue(getConfig().dataDir, token, getAuthConfig().sessionMs);
  (await cookies()).set(SESSION_COOKIE, session.value, sessionCookieOptions(session.expiresAt, overHttps(requestHeaders)));
  redirect(safeNextPath(String(formData.get("next") ?? "/")));
}

/** Ends this browser's session (the token stays valid; revoke it with `pma-lab auth token revoke NAME`). */
export async function signOutAction(): Promise<void> {
  allowPublicAction(await headers(), "signing out only deletes the caller's own session cookie");
  (await cookies()).delete(SESSION_COOKIE);
  redirect("/sign-in");
}
