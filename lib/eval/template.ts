import { PmaError } from "../errors";

/**
 * Argv templates. An evaluator's command is an array of arguments, each literal text with `{placeholder}`s in
 * it; `{{` and `}}` stand for literal braces. It is spawned as that array, never through a shell, so nothing in
 * a value — `$(…)`, backticks, `;`, a newline — is ever interpreted: it reaches the program byte for byte.
 *
 * A placeholder may fill a whole argument (`--output_path {output}`) or sit inside a larger one
 * (`pretrained={model},dtype=bfloat16`: lm-eval needs that). Inside a larger argument, a path value must not
 * contain `,` or `=`: harness option strings such as lm-eval's --model_args are comma-separated key=value lists,
 * and a directory named `x,trust_remote_code=True` would smuggle an option in. Any value that would start an
 * argument with `-` is refused too (it would read as an option). Unknown placeholders, and placeholders this
 * evaluator has no value for, are refused when the config file is loaded, not when a job runs.
 */
export const PLACEHOLDERS = {
  model: "absolute path of the model directory (a registered checkpoint or a published merge)",
  output: "a fresh, empty directory for this evaluation's files",
  metrics: "the file a command evaluator writes its metrics JSON to (inside {output})",
  device: "cuda:0 when a GPU is pinned through CUDA_VISIBLE_DEVICES, cpu otherwise",
  tasks: "settings.tasks, joined with commas",
  batch_size: "settings.batchSize",
  num_fewshot: "settings.numFewshot",
  limit: "settings.limit",
} as const;

export type Placeholder = keyof typeof PLACEHOLDERS;
export type TemplatePart = { text: string } | { placeholder: Placeholder };
/** One compiled argument: literal text and placeholders, in order. */
export type CompiledArg = TemplatePart[];

/** Placeholders whose values are paths on disk: guarded when embedded (see above). */
const PATH_PLACEHOLDERS: ReadonlySet<Placeholder> = new Set(["model", "output", "metrics"]);
export const MAX_ARGS = 256;
export const MAX_ARG_LENGTH = 8192;

function isPlaceholder(name: string): name is Placeholder {
  return Object.hasOwn(PLACEHOLDERS, name);
}

/** Thrown with the index of the offending argument, so config errors can name `settings.argv[3]`. */
export class TemplateError extends PmaError {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super("eval_template_invalid", message, { details: { index } });
  }
}

function compileArg(arg: string, index: number, available: ReadonlySet<Placeholder>): CompiledArg {
  if (arg.length > MAX_ARG_LENGTH) throw new TemplateError(`argument longer than ${MAX_ARG_LENGTH} characters`, index);
  if (arg.includes("\0")) throw new TemplateError("argument contains a NUL byte", index);
  const parts: CompiledArg = [];
  let text = "";
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i];
    if ((c === "{" || c === "}") && arg[i + 1] === c) {
      text += c;
      i++;
    } else if (c === "}") {
      throw new TemplateError(`unmatched "}" in ${JSON.stringify(arg)} (write "}}" for a literal brace)`, index);
    } else if (c === "{") {
      const end = arg.indexOf("}", i);
      const name = end < 0 ? "" : arg.slice(i + 1, end);
      if (end < 0 || !/^[a-z_]+$/.test(name)) {
        throw new TemplateError(`unmatched "{" in ${JSON.stringify(arg)} (placeholders look like {model}; write "{{" for a literal brace)`, index);
      }
      if (!isPlaceholder(name)) throw new TemplateError(`unknown placeholder {${name}} (known: ${Object.keys(PLACEHOLDERS).map((p) => `{${p}}`).join(", ")})`, index);
      if (!available.has(name)) throw new TemplateError(`placeholder {${name}} has no value for this evaluator (${PLACEHOLDERS[name]})`, index);
      if (text) parts.push({ text });
      text = "";
      parts.push({ placeholder: name });
      i = end;
    } else {
      text += c;
    }
  }
  if (text || parts.length === 0) parts.push({ text });
  return parts;
}

/**
 * Compiles and checks a template at config-load time. The program (argument 0) must be literal: a placeholder
 * there would let a value choose what runs.
 */
export function compileTemplate(argv: readonly string[], available: ReadonlySet<Placeholder>): CompiledArg[] {
  if (argv.length === 0) throw new TemplateError("the command is empty", 0);
  if (argv.length > MAX_ARGS) throw new TemplateError(`more than ${MAX_ARGS} arguments`, MAX_ARGS);
  const compiled = argv.map((arg, index) => compileArg(arg, index, available));
  if (compiled[0].some((part) => "placeholder" in part) || argv[0].trim() === "") {
    throw new TemplateError("the program (first argument) must be a literal name or path, without placeholders", 0);
  }
  return compiled;
}

export function placeholdersOf(compiled: CompiledArg[]): Set<Placeholder> {
  return new Set(compiled.flatMap((arg) => arg.flatMap((part) => ("placeholder" in part ? [part.placeholder] : []))));
}

function refuse(name: Placeholder, why: string): never {
  throw new PmaError("eval_value_refused", `the value for {${name}} ${why}; it was not run`, { details: { placeholder: name } });
}

/** Fills a compiled template. Values go in verbatim; only the checks described at the top can refuse one. */
export function fillTemplate(compiled: CompiledArg[], values: Partial<Record<Placeholder, string>>): string[] {
  return compiled.map((parts) => {
    let out = "";
    for (const part of parts) {
      if ("text" in part) {
        out += part.text;
        continue;
      }
      const value = values[part.placeholder];
      if (value === undefined) refuse(part.placeholder, "is missing");
      if (value.includes("\0")) refuse(part.placeholder, "contains a NUL byte");
      if (parts.length > 1 && PATH_PLACEHOLDERS.has(part.placeholder) && /[,=]/.test(value)) {
        refuse(part.placeholder, `(${JSON.stringify(value)}) contains ',' or '=' and sits inside a larger argument, where it could add options to a key=value list`);
      }
      out += value;
    }
    if (out.startsWith("-") && parts.length > 0 && "placeholder" in parts[0]) refuse(parts[0].placeholder, `(${JSON.stringify(out)}) would start an argument with '-'`);
    return out;
  });
}
