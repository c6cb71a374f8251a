import { openOutputFile } from "../../merge/execute/output-file";
import type { ExecuteDeps } from "../../merge/execute";
import type { JobContext } from "../worker/context";

/**
 * Fault-injection for the crash tests, with PMA_LAB_TEST_JOBS=1 only (inert otherwise):
 * - PMA_LAB_TEST_WRITE_DELAY_MS=n: every write of a merged output waits n ms, so a `kill -9` lands in the middle
 *   of a merge of tiny fixture checkpoints;
 * - PMA_LAB_TEST_WRITE_FAULT=EIO@n (or ENOSPC@n): once an attempt has written n bytes of outputs, the next write
 *   fails as the kernel would report that error.
 */
export function testWriteThrottle(context: JobContext): Partial<ExecuteDeps> {
  const delay = Number(context.env.PMA_LAB_TEST_WRITE_DELAY_MS ?? 0);
  const fault = /^(EIO|ENOSPC)@(\d+)$/.exec(context.env.PMA_LAB_TEST_WRITE_FAULT ?? "");
  if (!context.allowTestJobs || (!(delay > 0) && !fault)) return {};
  let written = 0;
  return {
    openWriter: async (filePath, header) => {
      const writer = await openOutputFile(filePath, header);
      return {
        write: async (data) => {
          if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
          if (fault && written + data.byteLength > Number(fault[2])) {
            const [code, errno, text] = fault[1] === "EIO" ? ["EIO", -5, "i/o error"] : ["ENOSPC", -28, "no space left on device"];
            throw Object.assign(new Error(`${code}: ${text}, write`), { code, errno, syscall: "write", path: filePath });
          }
          written += data.byteLength;
          await writer.write(data);
        },
        finish: () => writer.finish(),
        abort: () => writer.abort(),
      };
    },
  };
}
