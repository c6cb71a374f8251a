import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "../../../db/client";
import { handleWorkerApi } from "../../../lib/jobs/api/handler";
import { JobService } from "../../../lib/jobs/service";

/**
 * The worker API on a plain node:http server, mounting the same handler as app/api/worker/[action]/route.ts —
 * a Next build would take minutes to start in a test.
 */
export async function startApiServer(db: Db, dataDir: string, port = 0): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const service = new JobService(db, dataDir, { backoff: { baseMs: 50, maxMs: 200 } });
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /^\/api\/worker\/([a-z-]+)$/.exec(req.url ?? "");
    const request = new Request(`http://localhost${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
    });
    const response = match ? await handleWorkerApi(match[1], request, { db, service }) : new Response("not found", { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
