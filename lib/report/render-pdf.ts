import { chromium } from "playwright-core";
import { PmaError } from "../errors";

/**
 * Prints report HTML to an A4 PDF with headless Chromium. The page gets the HTML as content, scripts off and every
 * network request refused: a report carries no external resources, and a printer must not fetch any.
 */
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export async function printPdf(html: string, options: { executablePath: string; timeoutMs?: number }): Promise<Uint8Array> {
  let browser;
  try {
    browser = await chromium.launch({ executablePath: options.executablePath, args: ARGS, timeout: options.timeoutMs ?? 60_000 });
  } catch (error) {
    throw new PmaError("report_pdf_unavailable", `cannot start Chromium at ${options.executablePath} to print the PDF (set PMA_LAB_CHROMIUM): ${(error as Error).message.split("\n")[0]}`, { cause: error });
  }
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    await page.route("**/*", (route) => route.abort());
    await page.setContent(html, { waitUntil: "load", timeout: options.timeoutMs ?? 60_000 });
    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
    return new Uint8Array(pdf);
  } finally {
    await browser.close();
  }
}
