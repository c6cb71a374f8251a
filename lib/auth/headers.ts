import { randomBytes } from "node:crypto";

/**
 * Response headers for every answer. The Content-Security-Policy allows scripts only from this origin and, for
 * Next.js's inline bootstrap scripts, the per-request nonce ('strict-dynamic' lets those load their chunks); an
 * injected <script> or event handler attribute never runs. Styles allow 'unsafe-inline' because React renders
 * style attributes (which a nonce cannot cover); charts draw to canvas and need nothing more. In development
 * React needs eval for its error overlays.
 */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy(nonce: string, options: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The rest of the hardening, identical on every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};
