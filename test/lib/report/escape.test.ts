import { describe, expect, it } from "vitest";
import { csvField, csvRow, escapeHtml, escapeMarkdown, markdownFence } from "../../../lib/report/escape";
import { assertInertSvg } from "../../../lib/report/render-svg";

describe("escaping for each output format", () => {
  it("HTML: markup and quotes become entities", () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
  });

  it("Markdown: emphasis, links, headings, tables, code and HTML render as text", () => {
    expect(escapeMarkdown("**bold** _it_ [a](javascript:x) # h | `code` <b>&")).toBe(
      "\\*\\*bold\\*\\* \\_it\\_ \\[a\\]\\(javascript:x\\) \\# h \\| \\`code\\` &lt;b&gt;&amp;",
    );
    expect(escapeMarkdown("a\\b")).toBe("a\\\\b");
    expect(escapeMarkdown("two\nlines")).toBe("two lines");
    expect(escapeMarkdown("1. not a list, - nor this")).toBe("1\\. not a list, \\- nor this");
  });

  it("Markdown fences outgrow any run of backticks inside", () => {
    expect(markdownFence("a: 1\n", "yaml")).toBe("```yaml\na: 1\n```");
    expect(markdownFence("x ```` y")).toBe("`````\nx ```` y\n`````");
  });

  it("CSV: quotes where needed, neutralises formulas, keeps numbers numeric", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    for (const formula of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]) expect(csvField(formula).replace(/^"/, "")).toMatch(/^'/);
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField(-0.5)).toBe("-0.5");
    expect(csvField(null)).toBe("");
    expect(csvField(Number.NaN)).toBe("");
    expect(csvRow(["a,b", 1, null])).toBe('"a,b",1,');
  });

  it("refuses SVG that could act: scripts, handlers, external links", () => {
    expect(assertInertSvg('<svg><path d="M0 0" clip-path="url(#c)"/><text>&lt;img onerror=x&gt; javascript:</text></svg>')).toContain("<svg>");
    for (const bad of ['<svg><script>x</script></svg>', '<svg onload="x()"></svg>', '<svg><a href="http://x">y</a></svg>', '<svg><image xlink:href="http://x"/></svg>', "<svg><foreignObject/></svg>", '<svg style="fill:url(http://x)"></svg>']) {
      expect(() => assertInertSvg(bad)).toThrow(expect.objectContaining({ code: "report_unsafe_svg" }));
    }
  });
});
