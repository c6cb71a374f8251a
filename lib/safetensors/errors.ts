import { PmaError } from "../errors";

/**
 * Every error code this module can raise. Each distinct way a file can be wrong has its own code so the UI,
 * the job queue and the malformed-file corpus can tell them apart; the tests assert that nothing outside this
 * list ever escapes the parser.
 */
export const SAFETENSORS_ERROR_CODES = [
  // header length prefix
  "st_file_too_small",
  "st_header_too_large",
  "st_header_length_beyond_file",
  // header text
  "st_header_not_utf8",
  "st_header_not_json",
  "st_header_not_object",
  "st_header_too_deep",
  "st_duplicate_key",
  "st_unsafe_integer",
  // header schema
  "st_bad_tensor_entry",
  "st_bad_tensor_name",
  "st_unknown_dtype",
  "st_bad_shape",
  "st_rank_too_large",
  "st_numel_overflow",
  "st_bad_offsets",
  "st_offsets_not_contiguous",
  "st_size_mismatch",
  "st_data_length_mismatch",
  "st_bad_metadata",
  "st_too_many_tensors",
  // files
  "st_lfs_pointer",
  "st_not_regular_file",
  "st_file_not_found",
  "st_io_error",
  "st_short_read",
  "st_file_changed",
  "st_bad_read_range",
  // writer
  "st_output_exists",
  "st_bad_tensor_data",
  "st_write_overflow",
  "st_write_incomplete",
  "st_write_failed",
  "st_writer_closed",
  // shard index and checkpoint directories
  "st_index_invalid",
  "st_index_bad_shard_name",
  "st_shard_missing",
  "st_duplicate_tensor",
  "st_index_mismatch",
  "st_no_weights",
  "st_pickle_refused",
  "st_ambiguous_weights",
  "st_not_a_directory",
] as const;

export type SafetensorsErrorCode = (typeof SAFETENSORS_ERROR_CODES)[number];

/** Transient codes: the same call may succeed later (disk full, flaky network storage). */
const TRANSIENT: ReadonlySet<SafetensorsErrorCode> = new Set(["st_io_error", "st_write_failed"]);

export function stError(
  code: SafetensorsErrorCode,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): PmaError {
  return new PmaError(code, message, { permanent: !TRANSIENT.has(code), details, cause });
}

/**
 * Quote an untrusted name for a message, cut to a readable length: names come from files and end up in the
 * UI and logs, and a 10 MB tensor name must not become a 10 MB error message.
 */
export function quote(name: string, max = 120): string {
  const cut = name.length > max ? `${name.slice(0, max)}…` : name;
  return JSON.stringify(cut);
}

/** Map a Node fs error to a typed error; `what` names the file in plain words. */
export function fsError(error: unknown, what: string, filePath: string): PmaError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") {
    return stError("st_file_not_found", `${what} not found: ${filePath}`, { filePath }, error);
  }
  const reason = error instanceof Error ? error.message : String(error);
  return stError("st_io_error", `could not read ${what} ${filePath}: ${reason}`, { filePath, errno: code }, error);
}
