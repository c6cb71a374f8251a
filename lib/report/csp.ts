/**
 * The Content-Security-Policy of a stored report: nothing but its own inline styles and data: images — no script,
 * no network, no form — so a report stays inert wherever it is opened. Written into the HTML itself and, with
 * `sandbox`, sent with every report file the server serves (framed only by this origin's report page).
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export const REPORT_FILE_CSP = `${REPORT_CSP}; sandbox; frame-ancestors 'self'`;

/** Where the server serves report files (GET /api/reports/<hash>/<file>). */
export const REPORT_FILES_PATH = "/api/reports/";
