import { openOutputFile } from "../../merge/execute/output-file";
import type { ExecuteDeps } from "../../merge/execute";
import type { JobContext } from "../worker/context";

/**
 * Fault-injection for the crash tests: with PMA_LAB_TEST_JOBS=1 and PMA_LAB_TEST_WRITE_DELAY_MS=n, every write
 * of a merged output waits n ms, so a `kill -9` lands in the middle of a merge of tiny fixture checkpoints.
 * Inert otherwise.
 */
export function testWriteThrottle(context: JobContext): Partial<ExecuteDeps> {
  const delay = Number(context.env.PMA_LAB_TEST_WRITE_DELAY_MS ?? 0);
  if (!context.allowTestJobs || !(delay > 0)) return {};
  return {
    openWriter: async (filePath, header) => {
      const writer = await openOutputFile(filePath, header);
      return {
        write: async (data) => {
          await new Promise((resolve) => setTimeout(resolve, delay));
          await writer.write(data);
        },
        finish: () => writer.finish(),
        abort: () => writer.abort(),
      };
    },
  };
}
