/**
 * The worker API in a process of its own (the same handler app/api/worker/[action]/route.ts mounts), so a test can
 * kill the server with SIGKILL: `tsx api-server-main.ts <data dir> <port>`; prints "listening <url>" when ready.
 */
import path from "node:path";
import { openDatabase } from "../../../db/client";
import { startApiServer } from "./server";

const [dataDir, port] = process.argv.slice(2);
const db = openDatabase(path.join(dataDir, "pma-lab.sqlite"));
const server = await startApiServer(db, dataDir, Number(port));
process.stdout.write(`listening ${server.url}\n`);
