import { describe, expect, it } from "vitest";
import { authorize, createSessionValue, createUserToken, isAllowedHost, safeNextPath, SESSION_COOKIE, verifyUserToken } from "../../../lib/auth";
import { bindHostFromArgv, parseAuthConfig } from "../../../lib/env";
import { makeTempDir } from "../../helpers/checkpoint-fixtures";

const hosts = { publicHosts: ["lab.example.org", "gpu-box:3000"] };

describe("the Host allow-list (DNS rebinding)", () => {
  it.each([
    ["127.0.0.1:3000", true],
    ["localhost:3000", true],
    ["LOCALHOST", true],
    ["[::1]:3000", true],
    ["127.1.2.3:80", true],
    ["10.0.0.7:3000", true], // an IP literal cannot be a rebinding name
    ["[fe80::1]:3000", true],
    ["lab.example.org", true],
    ["lab.example.org:8443", true],
    ["gpu-box:3000", true],
    ["gpu-box:3001", false],
    ["evil.example:3000", false],
    ["localhost.evil.example", false],
    ["127.0.0.1.nip.io:3000", false],
    ["lab.example.org.evil.example", false],
    ["", false],
    ["a b", false],
    ["localhost:3000/x", false],
  ])("%s → %s", (host, allowed) => {
    expect(isAllowedHost(host, hosts)).toBe(allowed);
  });

  it("refuses a request without a Host header", () => {
    expect(isAllowedHost(null, hosts)).toBe(false);
  });
});

describe("the access decision", () => {
  const dataDir = makeTempDir("pma-auth-");
  const { token } = createUserToken(dataDir, "alice");
  const session = createSessionValue(dataDir, verifyUserToken(dataDir, token)!, 3_600_000).value;
  const open = { auth: { required: false, publicHosts: [] }, dataDir };
  const locked = { auth: { required: true, publicHosts: [] }, dataDir };
  const decide = (method: string, headers: Record<string, string>, context = locked) => authorize(method, new Headers({ host: "127.0.0.1:3000", ...headers }), context);

  it("lets the one local user in without credentials when sign-in is off", () => {
    expect(decide("GET", {}, open)).toEqual({ ok: true, principal: { kind: "local", name: "local" } });
  });

  it("still refuses DNS rebinding and other sites' requests when sign-in is off", () => {
    expect(decide("GET", { host: "evil.example:3000" }, open)).toMatchObject({ ok: false, status: 403, code: "host_not_allowed" });
    expect(decide("POST", { origin: "http://evil.example" }, open)).toMatchObject({ ok: false, status: 403, code: "cross_origin" });
    expect(decide("POST", { origin: "null" }, open)).toMatchObject({ ok: false, code: "cross_origin" });
    expect(decide("POST", { origin: "http://127.0.0.1:3001" }, open)).toMatchObject({ ok: false, code: "cross_origin" });
    expect(decide("POST", { "sec-fetch-site": "cross-site" }, open)).toMatchObject({ ok: false, code: "cross_origin" });
    expect(decide("GET", { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" }, open)).toMatchObject({ ok: false, code: "cross_origin" });
    // A plain link from another site to a page is fine; so is this site's own page.
    expect(decide("GET", { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" }, open)).toMatchObject({ ok: true });
    expect(decide("POST", { origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" }, open)).toMatchObject({ ok: true });
  });

  it("asks for a bearer token or a session cookie when sign-in is required", () => {
    expect(decide("GET", {})).toMatchObject({ ok: false, status: 401, code: "unauthenticated" });
    expect(decide("GET", { authorization: `Bearer ${token}` })).toEqual({ ok: true, principal: { kind: "token", name: "alice" } });
    expect(decide("GET", { cookie: `theme=dark; ${SESSION_COOKIE}=${session}` })).toEqual({ ok: true, principal: { kind: "session", name: "alice" } });
    // A bad bearer token does not fall back to a good cookie; a worker token is not a sign-in token.
    expect(decide("GET", { authorization: "Bearer nope", cookie: `${SESSION_COOKIE}=${session}` })).toMatchObject({ ok: false, status: 401 });
    expect(decide("GET", { authorization: `Bearer pmaw_1_${"a".repeat(43)}` })).toMatchObject({ ok: false, status: 401 });
    expect(decide("GET", { authorization: token })).toMatchObject({ ok: false, status: 401 });
    expect(decide("GET", { cookie: `${SESSION_COOKIE}=${session.replace(/.$/, "x")}` })).toMatchObject({ ok: false, status: 401 });
    // Credentials never excuse a foreign Host or Origin.
    expect(decide("POST", { authorization: `Bearer ${token}`, origin: "http://evil.example" })).toMatchObject({ ok: false, status: 403 });
    expect(decide("GET", { authorization: `Bearer ${token}`, host: "evil.example" })).toMatchObject({ ok: false, status: 403 });
  });
});

describe("configuration", () => {
  it("requires sign-in when bound beyond loopback or PMA_LAB_AUTH=on", () => {
    expect(parseAuthConfig({ PMA_LAB_HOST: "127.0.0.1" }).required).toBe(false);
    expect(parseAuthConfig({ PMA_LAB_HOST: "localhost" }).required).toBe(false);
    expect(parseAuthConfig({ PMA_LAB_HOST: "::1" }).required).toBe(false);
    expect(parseAuthConfig({ PMA_LAB_HOST: "0.0.0.0" }).required).toBe(true);
    expect(parseAuthConfig({ PMA_LAB_HOST: "10.1.2.3" }).required).toBe(true);
    expect(parseAuthConfig({ PMA_LAB_HOST: "127.0.0.1", PMA_LAB_AUTH: "on" }).required).toBe(true);
    expect(() => parseAuthConfig({ PMA_LAB_AUTH: "off" })).toThrow(/PMA_LAB_AUTH/);
    expect(parseAuthConfig({ PMA_LAB_PUBLIC_HOSTS: " Lab.Example.org , gpu:3000 " }).publicHosts).toEqual(["lab.example.org", "gpu:3000"]);
    expect(() => parseAuthConfig({ PMA_LAB_PUBLIC_HOSTS: "http://x" })).toThrow(/PMA_LAB_PUBLIC_HOSTS/);
    expect(parseAuthConfig({ PMA_LAB_SESSION_HOURS: "2" }).sessionMs).toBe(7_200_000);
  });

  it("without PMA_LAB_HOST, reads the bind address off `next start` and assumes every interface when there is none", () => {
    expect(bindHostFromArgv(["node", "/app/node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", "3000"])).toBe("127.0.0.1");
    expect(bindHostFromArgv(["node", "/app/node_modules/.bin/next", "start", "--hostname", "10.0.0.1"])).toBe("10.0.0.1");
    expect(bindHostFromArgv(["node", "/app/node_modules/next/dist/bin/next", "start"])).toBe("0.0.0.0");
    expect(bindHostFromArgv(["node", "/app/node_modules/vitest/vitest.mjs", "run"])).toBe("127.0.0.1");
    expect(parseAuthConfig({}, ["node", "/x/next", "start", "-p", "3000"]).required).toBe(true);
  });
});

describe("where to go after signing in", () => {
  it.each([
    ["/runs/a%2Fb?sort=step.desc", "/runs/a%2Fb?sort=step.desc"],
    ["/", "/"],
    [null, "/"],
    ["//evil.example/x", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example/", "/"],
    ["javascript:alert(1)", "/"],
    ["/\tjavascript:alert(1)", "/"],
    ["runs", "/"],
    ["/" + "a".repeat(3000), "/"],
  ])("%s → %s", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});
