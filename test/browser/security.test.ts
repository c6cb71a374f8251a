import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page, Request as PwRequest } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { freePort } from "../../scripts/next-server";
import { llamaTensorSpecs, makeTempDir, writeCheckpoint } from "../helpers/checkpoint-fixtures";
import { pathCorpus } from "../security/traversal-corpus";
import { writeRun } from "./fixtures";
import { buildIfStale, cliScan, launchBrowser, repoRoot, screenshotter, startServer, tearDown, type Server, type Shot } from "./support";

/**
 * The real app (next build + next start) with sign-in required, driven over HTTP and through Chromium:
 * authentication and sessions, Host and Origin refusal, the Content-Security-Policy with charts still drawing,
 * server actions invoked through another page's URL, the traversal corpus over HTTP, and XSS payloads in tensor
 * and metric names rendered in real pages.
 */
const run = "xss/run";
const XSS_TENSOR = "<img src=x onerror=window.__xss=1>";
const XSS_METRICS = ["<script>window.__xss=2</script>", "<svg/onload=window.__xss=3>", "<img src=x onerror=window.__xss=4>"];

let root: string;
let env: Record<string, string>;
let server: Server | undefined;
let browser: Browser | undefined;
let page: Page;
let shot: Shot;
let token: string;
let sweepId: number;
let dataDir: string;
const dialogs: string[] = [];

function cli(args: string[]): string {
  return execFileSync(process.execPath, [path.join(repoRoot, "scripts", "pma-lab.mjs"), ...args], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: "utf8" });
}

async function http(pathname: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${server!.url}${pathname}`, { redirect: "manual", ...init });
}
const bearer = (): Record<string, string> => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  root = makeTempDir("pma-security-");
  const checkpoints = path.join(root, "checkpoints");
  dataDir = path.join(root, "data");
  env = { PMA_LAB_DATA_DIR: dataDir, PMA_LAB_ROOTS: checkpoints };
  const runDir = path.join(checkpoints, "run");
  await writeRun(runDir, { steps: [100, 200, 300, 400], logFrom: 5, logTo: 400, schedule: { warmup: 20, stable: 400, decay: 500 }, peakLr: 3e-4, shards: () => 1 });
  // A checkpoint whose extra tensor is named with markup: rejected, and its name shows in the reason.
  await writeCheckpoint(path.join(runDir, "step-500"), { tensors: [...llamaTensorSpecs(), { name: XSS_TENSOR, dtype: "BF16", shape: [2] }] });
  fs.mkdirSync(path.join(root, "outside", "run"), { recursive: true });
  fs.symlinkSync(path.join(root, "outside", "run"), path.join(checkpoints, "link-out"));
  cliScan(env, runDir, ["--run", run, "--tokens-per-step", "4096"]);
  sweepId = (JSON.parse(cli(["sweep", "create", "--run", run, "--points", "400steps", "--n", "2", "--interval", "100steps", "--schemes", "sma", "--evaluator", "heldout-loss", "--json"])) as { id: number }).id;
  const csv = path.join(root, "scores.csv");
  fs.writeFileSync(csv, `run,step,metric,value\n${XSS_METRICS.map((name, i) => `${run},400,${name},${0.5 + i / 10}`).join("\n")}\n`);
  cli(["import", "csv", csv, "--json"]);
  token = (JSON.parse(cli(["auth", "token", "create", "alice", "--json"])) as { token: string }).token;

  buildIfStale();
  server = await startServer({ ...env, PMA_LAB_AUTH: "on", PMA_LAB_TEST_CANARY: "CANARY-IN-THE-ENVIRONMENT" });
  ({ browser, page } = await launchBrowser());
  shot = screenshotter(page);
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
});

afterAll(() => tearDown({ browser, server, root }));

describe("authentication", () => {
  it("asks for a session or a token on every page and endpoint, except the worker API (worker tokens) and sign-in", async () => {
    for (const pathname of ["/", "/runs", `/runs/${run}`, `/sweeps/${sweepId}`, "/jobs", "/register", "/imports"]) {
      const response = await http(pathname);
      expect(response.status, pathname).toBe(303);
      expect(response.headers.get("location"), pathname).toBe(`/sign-in?next=${encodeURIComponent(pathname)}`);
    }
    for (const [pathname, method] of [["/api/runs", "GET"], ["/api/jobs/stream?format=json", "GET"], ["/api/runs/scan", "POST"], ["/api/imports", "POST"]] as const) {
      const response = await http(pathname, { method, headers: { "content-type": "application/json" }, body: method === "POST" ? "{}" : undefined });
      expect(response.status, pathname).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await response.json()).error.code).toBe("unauthenticated");
    }
    // The worker API answers for itself: a worker token is required.
    const worker = await http("/api/worker/claim", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect([worker.status, (await worker.json()).error.code]).toEqual([401, "unauthorized"]);
    expect((await http("/sign-in")).status).toBe(200);
    // A sign-in token is not a worker token, and a wrong token is not half right.
    expect((await http("/api/worker/claim", { method: "POST", headers: { ...bearer(), "content-type": "application/json" }, body: "{}" })).status).toBe(401);
    expect((await http("/api/runs", { headers: { authorization: `Bearer ${token.slice(0, -2)}xx` } })).status).toBe(401);
    const ok = await http("/api/runs", { headers: bearer() });
    expect(ok.status).toBe(200);
    expect((await ok.json()).runs.map((r: { name: string }) => r.name)).toEqual([run]);
  });

  it("refuses unknown Host headers (DNS rebinding) and other sites' requests, even with a valid token", async () => {
    for (const host of ["evil.example", "evil.example:3000", "localhost.evil.example", "127.0.0.1.nip.io"]) {
      // fetch() will not send a foreign Host header; a raw request will.
      const answer = await rawGet(`/api/runs`, { host, authorization: `Bearer ${token}` });
      expect(answer.status, host).toBe(403);
      expect(answer.body).toContain("host_not_allowed");
    }
    const crossSite = await http("/api/runs/scan", { method: "POST", headers: { ...bearer(), "content-type": "application/json", origin: "http://evil.example" }, body: "{}" });
    expect(crossSite.status).toBe(403);
    const fetchFromPage = await http("/api/runs", { headers: { ...bearer(), "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors" } });
    expect(fetchFromPage.status).toBe(403);
  });

  it("sets the security headers and a per-request nonce on Next's scripts", async () => {
    const first = await http("/sign-in");
    const csp = first.headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(first.headers.get("x-frame-options")).toBe("DENY");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
    const second = await http("/sign-in");
    expect(second.headers.get("content-security-policy")).not.toContain(nonce);
  });

  it("signs in in the browser (HttpOnly, SameSite=Strict session), renders pages and charts under the CSP, and signs out", async () => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${server!.url}/runs/${run}`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await page.fill("#token", "pmau_000000000000_" + "x".repeat(43));
    await page.click("button[type=submit]");
    await page.locator("#token-error").waitFor();
    await page.fill("#token", token);
    await page.click("button[type=submit]");
    await page.waitForURL(`**/runs/${run}`);
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: "pma_lab_session", httpOnly: true, sameSite: "Strict", path: "/" });
    await page.waitForFunction(() => {
      const canvas = document.querySelector<HTMLCanvasElement>("[data-chart] canvas");
      if (!canvas) return false;
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
      return painted > 5000;
    }, undefined, { timeout: 15_000 });
    await shot("security-run-page");
    // Client-side navigation works: React hydrated under the CSP.
    await page.click("nav >> text=Sweeps");
    await page.waitForURL("**/sweeps");
    expect(violations).toEqual([]);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    expect(await page.context().cookies()).toEqual([]);
    await page.goto(`${server!.url}/jobs`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
  });
});

/** Signs the browser in unless it already is (tests can run on their own). */
async function signedIn(): Promise<void> {
  if ((await page.context().cookies()).some((cookie) => cookie.name === "pma_lab_session")) return;
  await page.goto(`${server!.url}/sign-in`);
  await page.fill("#token", token);
  await page.click("button[type=submit]");
  await page.waitForURL((url) => url.pathname !== "/sign-in");
}

/** A GET with headers fetch() refuses to send (Host). */
function rawGet(pathname: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    import("node:http").then(({ request }) => {
      const url = new URL(server!.url);
      const req = request({ host: url.hostname, port: url.port, path: pathname, method: "GET", headers }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    }, reject);
  });
}

describe("server actions", () => {
  it("refuse callers without a session even when invoked through the public sign-in page's URL", async () => {
    const db = openDatabase(path.join(dataDir, "pma-lab.sqlite"));
    const queued = db.$client.prepare("select id from jobs where status = 'queued' order by id").all() as { id: number }[];
    expect(queued.length).toBeGreaterThanOrEqual(2);
    const [first, second] = queued;
    // Capture what the browser sends when a signed-in user cancels the first job…
    await signedIn();
    await page.goto(`${server!.url}/jobs`);
    const captured = new Promise<PwRequest>((resolve) => page.on("request", (request) => request.headers()["next-action"] && resolve(request)));
    await page.locator("form", { has: page.locator(`input[name="id"][value="${first.id}"]`) }).getByRole("button", { name: "Cancel" }).click();
    const request = await captured;
    await expect.poll(() => (db.$client.prepare("select status from jobs where id = ?").get(first.id) as { status: string }).status).toBe("cancelled");
    // …then replay it for the second job without the cookie: on its own page, and through /sign-in (public).
    const body = request.postData()!.replace(new RegExp(`(name="[^"]*id"\\r\\n\\r\\n)${first.id}\\r\\n`), `$1${second.id}\r\n`);
    expect(body).toContain(`\r\n\r\n${second.id}\r\n`);
    const headers = { "next-action": request.headers()["next-action"], "content-type": request.headers()["content-type"], accept: "text/x-component" };
    const onItsPage = await http("/jobs", { method: "POST", headers, body });
    expect(onItsPage.status).toBe(401);
    const throughSignIn = await http("/sign-in", { method: "POST", headers, body });
    // Next forwards an action it does not find on that page to the page that has it, with the caller's headers:
    // the forwarded request meets the same checks, so no action result comes back.
    expect(throughSignIn.headers.get("content-type") ?? "").not.toMatch(/text\/x-component/);
    const withForeignOrigin = await http("/jobs", { method: "POST", headers: { ...headers, ...bearer(), origin: "http://evil.example" }, body });
    expect(withForeignOrigin.status).toBe(403);
    expect((db.$client.prepare("select status from jobs where id = ?").get(second.id) as { status: string }).status).toBe("queued");
    db.$client.close();
  });
});

describe("path traversal over HTTP", () => {
  it("refuses the corpus in URLs and bodies: 4xx, no secret echoed, nothing registered", async () => {
    const urls = [
      "/runs/..%2f..%2f..%2fetc%2fpasswd",
      "/runs/%2e%2e/%2e%2e/etc/passwd",
      "/runs/%252e%252e%252fetc%252fpasswd",
      "/runs/..%5c..%5cetc",
      "/runs/x%00y",
      `/runs/${"a/".repeat(1000)}b`,
      "/jobs/..%2f1",
      "/jobs/1%00",
      "/jobs/-1",
      "/sweeps/..%2f..%2fetc",
      "/sweeps/1e309",
      "/api/worker/..%2fclaim",
      "/api/runs/..%2f..%2fetc%2fpasswd",
      "/_next/static/..%2f..%2f..%2fpackage.json",
      "/_next/static/%2e%2e/%2e%2e/server/server-reference-manifest.json",
    ];
    for (const url of urls) {
      const response = await http(url, { headers: bearer() });
      const text = await response.text();
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      expect(response.status, url).toBeLessThan(500);
      expect(text, url).not.toMatch(/root:x:0:0|CANARY-IN-THE-ENVIRONMENT|encryptionKey|"dependencies"/);
    }
    const checkpoints = path.join(root, "checkpoints");
    const corpus = pathCorpus({ root: checkpoints, outside: path.join(root, "outside"), link: path.join(checkpoints, "link-out") });
    for (const [label, directory] of corpus) {
      const response = await http("/api/runs/scan", { method: "POST", headers: { ...bearer(), "content-type": "application/json" }, body: JSON.stringify({ directory, run: "probe" }) });
      expect([400, 403, 404], label).toContain(response.status);
      expect(await response.text(), label).not.toMatch(/root:x:0:0|CANARY-IN-THE-ENVIRONMENT/);
      const imported = await http("/api/imports", { method: "POST", headers: { ...bearer(), "content-type": "application/json" }, body: JSON.stringify({ format: "lm-eval", name: "r.json", content: "{}", checkpoint: directory }) });
      expect([400, 403, 404], label).toContain(imported.status);
    }
    const runs = (await (await http("/api/runs", { headers: bearer() })).json()).runs.map((r: { name: string }) => r.name);
    expect(runs).toEqual([run]);
    // After signing in, only paths on this site: an open redirect through `next` is refused.
    for (const next of ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"]) {
      const html = await (await http(`/sign-in?next=${encodeURIComponent(next)}`)).text();
      expect(html, next).toContain('name="next" value="/"');
    }
  });
});

describe("XSS payloads in tensor and metric names", () => {
  it("render as text, never as markup, on the run page, the sweep page and the jobs page", async () => {
    await signedIn();
    await page.goto(`${server!.url}/runs/${run}`);
    await expect(page.locator('[data-testid="rejected-files"]').innerText()).resolves.toContain(XSS_TENSOR);
    await page.goto(`${server!.url}/sweeps/${sweepId}`);
    for (const name of XSS_METRICS) await expect(page.getByText(name, { exact: true }).count(), name).resolves.toBeGreaterThan(0);
    await shot("security-sweep-xss");
    await page.goto(`${server!.url}/jobs`);
    // The chart tooltip takes HTML: hover the run page's chart to render one.
    await page.goto(`${server!.url}/runs/${run}`);
    const canvas = page.locator("[data-chart] canvas").first();
    await canvas.waitFor();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator("img[src=x], svg[onload], script:not([src]):not([nonce])").count()).toBe(0);
    expect(dialogs).toEqual([]);
  });
});

describe("a bare `next start` (every interface, no PMA_LAB_HOST)", () => {
  it("requires sign-in by itself", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(repoRoot, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port)], {
      cwd: repoRoot,
      env: { ...process.env, ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
      detached: true,
      stdio: "ignore",
    });
    try {
      let status = 0;
      for (let tries = 0; tries < 120 && status === 0; tries++) {
        status = await fetch(`http://127.0.0.1:${port}/api/runs`).then((r) => r.status, () => 0);
        if (status === 0) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(status).toBe(401);
    } finally {
      process.kill(-child.pid!, "SIGTERM");
    }
  });
});
