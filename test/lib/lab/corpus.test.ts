import { describe, expect, it } from "vitest";
import { buildCorpus, detokenizeBrown, isValidationDoc, loadBrownDocuments, sampleBatch, validationBatches } from "../../../lib/lab/corpus";

describe("the lab corpus", () => {
  const docs = loadBrownDocuments();
  const corpus = buildCorpus(docs);

  it("reads all 500 Brown documents as plain text", () => {
    expect(docs).toHaveLength(500);
    expect(docs[0].id).toBe("ca01");
    expect(docs[0].text.startsWith('The Fulton County Grand Jury said Friday an investigation of Atlanta\'s recent primary election produced "no evidence" that')).toBe(true);
    expect(docs.some((d) => /\b(the\/at|of\/in|said\/vbd)\b/i.test(d.text))).toBe(false);
  });

  it("strips tags and re-joins punctuation", () => {
    expect(detokenizeBrown("\tHe/pps said/vbd ``/`` yes/rb ''/'' ,/, and/cc left/vbd ./.\n")).toBe('He said "yes", and left.');
  });

  it("splits by document hash: fixed, disjoint, ~5% held out", () => {
    expect(corpus.validationDocs.length).toBeGreaterThan(15);
    expect(corpus.validationDocs.length).toBeLessThan(40);
    expect(corpus.validationDocs.every(isValidationDoc)).toBe(true);
    expect(corpus.trainDocs.some(isValidationDoc)).toBe(false);
    expect(corpus.trainDocs.length + corpus.validationDocs.length).toBe(500);
    // The split depends on ids only, not on which other documents exist or their order.
    expect(buildCorpus([...docs].reverse().slice(0, 250)).validationDocs.sort()).toEqual(corpus.validationDocs.filter((id) => id >= docs[250].id).sort());
  });

  it("samples the same batch for the same (seed, step), whatever happened before", () => {
    const a = sampleBatch(corpus.train, 1, 17, 4, 32);
    sampleBatch(corpus.train, 1, 3, 4, 32);
    expect(sampleBatch(corpus.train, 1, 17, 4, 32)).toEqual(a);
    expect(sampleBatch(corpus.train, 1, 18, 4, 32).inputs).not.toEqual(a.inputs);
    expect(sampleBatch(corpus.train, 2, 17, 4, 32).inputs).not.toEqual(a.inputs);
    // Targets are the inputs shifted by one byte.
    expect(a.targets.slice(0, 31)).toEqual(a.inputs.slice(1, 32));
  });

  it("uses a fixed validation slice", () => {
    const batches = validationBatches(corpus.validation, 10, 16, 4);
    expect(batches.map((b) => b.batch)).toEqual([4, 4, 2]);
    expect(Array.from(batches[0].inputs.slice(0, 16))).toEqual(Array.from(corpus.validation.slice(0, 16)));
    expect(() => validationBatches(corpus.validation, 1e7, 16, 4)).toThrow(expect.objectContaining({ code: "lab_corpus_too_small" }));
  });
});
