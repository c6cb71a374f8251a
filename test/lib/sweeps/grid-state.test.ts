import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_GRID_STATE, GRID_PARAMS, isColumnShown, patchGridState, readGridState, toSearchParams, writeGridState, type GridState } from "../../../lib/sweeps/grid/state";

const read = (query: string) => readGridState(new URLSearchParams(query));

describe("grid URL state", () => {
  it("reads a full view and writes it back to the same query", () => {
    const query = "view=heatmap&sort=m%3Aheldout%2Floss.desc&scheme=ema%3A0.1&n=4&v=20480&t=1228800&status=done&q=wma&group=t&open=1228800&open=819200&page=3&size=100&hide=stderr&hide=m%3Ammlu%2Facc&ht=819200&hs=sma&hm=heldout%2Floss&hv=value";
    const state = read(query);
    expect(state).toMatchObject({
      view: "heatmap",
      sort: { column: "m:heldout/loss", desc: true },
      filters: { scheme: "ema:0.1", n: 4, v: 20480, t: 1228800, status: "done" },
      query: "wma",
      group: "t",
      open: ["1228800", "819200"],
      page: 3,
      size: 100,
      hide: ["stderr", "m:mmlu/acc"],
      heatmap: { t: 819200, scheme: "sma", metric: "heldout/loss", mode: "value" },
    });
    expect(writeGridState(state).toString()).toBe(query);
  });

  it("keeps a metric name with dots and colons whole in the sort", () => {
    expect(read("sort=da%3Aarc.easy%3Aacc.asc").sort).toEqual({ column: "da:arc.easy:acc", desc: false });
  });

  it("falls back to defaults for malformed or unknown values instead of failing", () => {
    expect(read("view=pie&sort=nope.up&n=-2&v=1e6&page=0&size=7&group=color&hide=bogus&hv=x&q=%20%20")).toEqual(DEFAULT_GRID_STATE);
    expect(writeGridState(DEFAULT_GRID_STATE).toString()).toBe("");
  });

  it("round-trips any state it writes", () => {
    const state = fc.record({
      view: fc.constantFrom("table", "heatmap"),
      sort: fc.option(fc.record({ column: fc.oneof(fc.constantFrom(...GRID_PARAMS), fc.tuple(fc.constantFrom("m", "dc", "da"), fc.string({ minLength: 1 })).map(([k, n]) => `${k}:${n}`)), desc: fc.boolean() }), { nil: null }),
      filters: fc.record({
        scheme: fc.option(fc.string({ minLength: 1 }).filter((s) => s.trim() !== ""), { nil: null }),
        n: fc.option(fc.integer({ min: 1, max: 1e6 }), { nil: null }),
        v: fc.option(fc.integer({ min: 0, max: 1e12 }), { nil: null }),
        t: fc.option(fc.integer({ min: 0, max: 1e12 }), { nil: null }),
        status: fc.option(fc.constantFrom("done", "queued"), { nil: null }),
      }),
      query: fc.string().map((s) => s.trim()),
      group: fc.option(fc.constantFrom(...GRID_PARAMS), { nil: null }),
      open: fc.uniqueArray(fc.string()),
      page: fc.integer({ min: 1, max: 1000 }),
      size: fc.constantFrom(25, 50, 100, 200),
      hide: fc.uniqueArray(fc.oneof(fc.constantFrom("stderr", "dc", "da"), fc.string({ minLength: 1 }).map((n) => `m:${n}`))),
      heatmap: fc.record({
        t: fc.option(fc.integer({ min: 0, max: 1e12 }), { nil: null }),
        scheme: fc.option(fc.string({ minLength: 1 }).filter((s) => s.trim() !== ""), { nil: null }),
        metric: fc.option(fc.string({ minLength: 1 }).filter((s) => s.trim() !== ""), { nil: null }),
        mode: fc.constantFrom("delta", "value"),
      }),
    }) as fc.Arbitrary<GridState>;
    fc.assert(
      fc.property(state, (s) => {
        const expected = { ...s, open: s.group ? s.open : [] };
        expect(readGridState(new URLSearchParams(writeGridState(s).toString()))).toEqual(expected);
      }),
    );
  });

  it("goes back to page 1 on any change but paging, and closes groups when the grouping changes", () => {
    const on = { ...DEFAULT_GRID_STATE, page: 4, group: "t" as const, open: ["8"] };
    expect(patchGridState(on, { sort: { column: "n", desc: false } }).page).toBe(1);
    expect(patchGridState(on, { page: 5 }).page).toBe(5);
    expect(patchGridState(on, { open: ["8", "9"] }).page).toBe(4);
    expect(patchGridState(on, { group: "n" }).open).toEqual([]);
  });

  it("hides a metric with its deltas, and a delta family across metrics", () => {
    expect(isColumnShown(["m:loss"], "dc:loss")).toBe(false);
    expect(isColumnShown(["dc"], "dc:loss")).toBe(false);
    expect(isColumnShown(["dc"], "m:loss")).toBe(true);
    expect(isColumnShown(["dc"], "t")).toBe(true);
  });

  it("turns Next's searchParams object into repeated parameters", () => {
    expect(toSearchParams({ open: ["a", "b"], n: "4", x: undefined }).toString()).toBe("open=a&open=b&n=4");
  });
});
