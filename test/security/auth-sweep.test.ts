import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { makeTempDir } from "../helpers/checkpoint-fixtures";

/**
 * The authentication sweep (reliability.md, "Auth"): every route handler and every server action must make an
 * access decision as its first step — `refuseUnauthorized` / `requireAuthorized`, or an explicit, reasoned
 * `refusePublic` / `allowPublicAction` (lib/auth/guard.ts). A new endpoint without one fails here, naming the
 * file and export and showing the line to add. Then every route handler is called without credentials on a
 * server that requires sign-in, and must refuse.
 */

const repo = path.resolve(__dirname, "../..");
const appDir = path.join(repo, "app");
const HTTP_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const ROUTE_GUARDS = ["refuseUnauthorized", "refusePublic"];
const ACTION_GUARDS = ["requireAuthorized", "allowPublicAction"];

const ROUTE_FIX = [
  "start it with",
  "    const refused = refuseUnauthorized(request);   // from lib/auth",
  "    if (refused) return refused;",
  'or, only when the handler authenticates its callers itself, refusePublic(request, "how it does").',
].join("\n");
const ACTION_FIX = [
  "start it with",
  "    requireAuthorized(await headers());   // headers from next/headers, requireAuthorized from lib/auth",
  'or, only when anyone may call it, allowPublicAction(await headers(), "why").',
].join("\n");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|js|jsx|mjs)$/.test(entry.name) ? [full] : [];
  });
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
}

function hasUseServer(statements: readonly ts.Statement[]): boolean {
  for (const statement of statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
    if (statement.expression.text === "use server") return true;
  }
  return false;
}

type FunctionLike = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;

interface Endpoint {
  file: string;
  name: string;
  kind: "route" | "action";
  fn: FunctionLike | undefined;
}

const isExported = (node: ts.Node): boolean => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** Exported functions of a module: `export function X`, `export const X = async () => …`, and re-exports (no body here). */
function exportedFunctions(source: ts.SourceFile): { name: string; fn: FunctionLike | undefined }[] {
  const found: { name: string; fn: FunctionLike | undefined }[] = [];
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && isExported(statement) && statement.name) found.push({ name: statement.name.text, fn: statement });
    if (ts.isVariableStatement(statement) && isExported(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer;
        const fn = init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined;
        if (ts.isIdentifier(declaration.name)) found.push({ name: declaration.name.text, fn });
      }
    }
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) found.push({ name: element.name.text, fn: undefined });
    }
    if (ts.isExportAssignment(statement)) found.push({ name: "default", fn: undefined });
  }
  return found;
}

/** Inline server actions: functions whose body starts with "use server", anywhere in a module. */
function inlineActions(source: ts.SourceFile): { name: string; fn: FunctionLike }[] {
  const found: { name: string; fn: FunctionLike }[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && node.body && ts.isBlock(node.body) && hasUseServer(node.body.statements)) {
      const name = ts.isFunctionDeclaration(node) && node.name ? node.name.text : `(inline action at line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1})`;
      found.push({ name, fn: node });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function endpoints(): Endpoint[] {
  const all: Endpoint[] = [];
  for (const file of sourceFiles(appDir)) {
    const source = parse(file);
    const relative = path.relative(repo, file);
    if (/^route\.(ts|js|tsx|jsx|mjs)$/.test(path.basename(file))) {
      for (const { name, fn } of exportedFunctions(source)) if (HTTP_METHODS.has(name)) all.push({ file: relative, name, kind: "route", fn });
    }
    if (hasUseServer(source.statements)) {
      for (const { name, fn } of exportedFunctions(source)) all.push({ file: relative, name, kind: "action", fn });
    }
    for (const { name, fn } of inlineActions(source)) all.push({ file: relative, name, kind: "action", fn });
  }
  return all;
}

function callsIn(node: ts.Node): string[] {
  const names: string[] = [];
  const visit = (child: ts.Node): void => {
    if (ts.isCallExpression(child) && ts.isIdentifier(child.expression)) names.push(child.expression.text);
    ts.forEachChild(child, visit);
  };
  visit(node);
  return names;
}

/** The decision, or why there is none. The guard must be among the first statements (a directive and one `await headers()` may precede it). */
function decision(endpoint: Endpoint): { guard: string; publicReason?: string } | { missing: string } {
  const guards = endpoint.kind === "route" ? ROUTE_GUARDS : ACTION_GUARDS;
  const fix = endpoint.kind === "route" ? ROUTE_FIX : ACTION_FIX;
  if (!endpoint.fn) return { missing: `is not defined in this file (re-exported or not a function), so its auth decision cannot be seen; define it here and ${fix}` };
  const body = endpoint.fn.body;
  if (!body || !ts.isBlock(body)) return { missing: `has an expression body; give it a block and ${fix}` };
  const statements = body.statements.filter((s) => !(ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression)));
  for (const [index, statement] of statements.slice(0, 2).entries()) {
    const guard = callsIn(statement).find((name) => guards.includes(name));
    if (!guard) continue;
    if (endpoint.kind === "route") {
      // The refusal must be returned: `const x = guard(request); if (x) return x;`
      const declared = ts.isVariableStatement(statement) ? statement.declarationList.declarations[0]?.name : undefined;
      const next = statements[index + 1];
      const returned =
        declared && ts.isIdentifier(declared) && next && ts.isIfStatement(next) && ts.isIdentifier(next.expression) && next.expression.text === declared.text &&
        (ts.isReturnStatement(next.thenStatement) || (ts.isBlock(next.thenStatement) && ts.isReturnStatement(next.thenStatement.statements[0])));
      if (!returned) return { missing: `calls ${guard} but does not return its refusal; ${fix}` };
    }
    const call = findCall(statement, guard)!;
    const reasonArg = guard === "refusePublic" || guard === "allowPublicAction" ? call.arguments[1] : undefined;
    if (reasonArg && !ts.isStringLiteralLike(reasonArg)) return { missing: `calls ${guard} without a literal reason` };
    return { guard, publicReason: reasonArg && ts.isStringLiteralLike(reasonArg) ? reasonArg.text : undefined };
  }
  const wrongKind = statements.slice(0, 2).flatMap(callsIn).find((name) => [...ROUTE_GUARDS, ...ACTION_GUARDS].includes(name));
  if (wrongKind) return { missing: `calls ${wrongKind}, which is for ${endpoint.kind === "route" ? "server actions" : "route handlers"}; ${fix}` };
  return { missing: `has no auth decision; ${fix}` };
}

function findCall(node: ts.Node, name: string): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const visit = (child: ts.Node): void => {
    if (!found && ts.isCallExpression(child) && ts.isIdentifier(child.expression) && child.expression.text === name) found = child;
    ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

/** Endpoints that may be called without a session, and why. Adding one here is a security review. */
const PUBLIC_ALLOW_LIST = new Map([
  ["app/api/worker/[action]/route.ts POST", "worker tokens"],
  ["app/sign-in/actions.ts signInAction", "checks the token it is given"],
  ["app/sign-in/actions.ts signOutAction", "only deletes the caller's cookie"],
]);

describe("the authentication sweep", () => {
  const found = endpoints();

  it("finds the route handlers and server actions (the sweep itself works)", () => {
    const names = found.map((e) => `${e.file} ${e.name}`);
    expect(names).toEqual(expect.arrayContaining(["app/api/runs/route.ts GET", "app/api/runs/scan/route.ts POST", "app/jobs/actions.ts cancelJobAction", "app/sign-in/actions.ts signInAction"]));
    expect(found.filter((e) => e.kind === "route").length).toBeGreaterThanOrEqual(5);
    expect(found.filter((e) => e.kind === "action").length).toBeGreaterThanOrEqual(8);
  });

  it("every route handler and server action makes an auth decision first", () => {
    const problems = found.flatMap((endpoint) => {
      const result = decision(endpoint);
      return "missing" in result ? [`${endpoint.file}: ${endpoint.kind === "route" ? "route handler" : "server action"} ${endpoint.name} ${result.missing}`] : [];
    });
    expect(problems, `\n${problems.join("\n\n")}\n`).toEqual([]);
  });

  it("only the reviewed endpoints are public", () => {
    const publicOnes = found.flatMap((endpoint) => {
      const result = decision(endpoint);
      return "guard" in result && result.publicReason !== undefined ? [`${endpoint.file} ${endpoint.name}`] : [];
    });
    const unreviewed = publicOnes.filter((key) => !PUBLIC_ALLOW_LIST.has(key));
    expect(unreviewed, `public endpoints not in PUBLIC_ALLOW_LIST of test/security/auth-sweep.test.ts (add them there only after review): ${unreviewed.join(", ")}`).toEqual([]);
    expect(publicOnes.sort()).toEqual([...PUBLIC_ALLOW_LIST.keys()].sort());
  });

  it("recognises a missing decision in a sample module (the checker can fail)", () => {
    const dir = makeTempDir("pma-sweep-");
    const file = path.join(dir, "route.ts");
    fs.writeFileSync(
      file,
      [
        "export async function GET(request: Request) { return Response.json(await load(request)); }",
        "export async function POST(request: Request) { refuseUnauthorized(request); return new Response('done'); }",
        "export async function PUT(request: Request) { const refused = refuseUnauthorized(request); if (refused) return refused; return new Response(); }",
        "export { DELETE } from './elsewhere';",
      ].join("\n"),
    );
    const results = exportedFunctions(parse(file)).map(({ name, fn }) => [name, decision({ file, name, kind: "route", fn })]);
    expect(results).toEqual([
      ["GET", { missing: expect.stringContaining("has no auth decision") }],
      ["POST", { missing: expect.stringContaining("does not return its refusal") }],
      ["PUT", { guard: "refuseUnauthorized" }],
      ["DELETE", { missing: expect.stringContaining("re-exported") }],
    ]);
  });
});

describe("route handlers called without credentials on a server that requires sign-in", () => {
  const dataDir = makeTempDir("pma-sweep-data-");
  process.env.PMA_LAB_DATA_DIR = dataDir;
  process.env.PMA_LAB_AUTH = "on";

  const routes = endpoints().filter((e) => e.kind === "route");
  it.each(routes.map((e) => [`${e.file} ${e.name}`, e] as const))("%s refuses", async (_label, endpoint) => {
    const { resetConfig } = await import("../../lib/env");
    resetConfig();
    const handlers = (await import(path.join(repo, endpoint.file))) as Record<string, (request: Request, context: unknown) => Promise<Response> | Response>;
    const params = new Proxy({}, { get: (_target, key) => (key === "then" ? undefined : "claim") });
    const request = new Request("http://127.0.0.1:3000/probe", {
      method: endpoint.name,
      headers: { host: "127.0.0.1:3000", "content-type": "application/json" },
      body: endpoint.name === "GET" || endpoint.name === "HEAD" ? undefined : "{}",
    });
    const response = await handlers[endpoint.name](request, { params: Promise.resolve(params) });
    expect(response.status).toBe(401);
  });
});
