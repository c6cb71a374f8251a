import { tableClass } from "./ui";

/** Shows `path` relative to `base` (the scanned directory) when it lies inside it. */
function relative(path: string, base?: string): string {
  return base && path.startsWith(`${base}/`) ? path.slice(base.length + 1) : path;
}

/** Files a scan refused, with the reason and its machine-readable code. */
export function RejectedFiles({ rejected, base }: { rejected: { path: string; reason: string; code: string }[]; base?: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-line">
      <table className={`${tableClass.table} table-fixed`} data-testid="rejected-files">
        <colgroup>
          <col className="w-[30%]" />
          <col />
          <col className="w-44" />
        </colgroup>
        <thead>
          <tr>
            <th className={tableClass.th}>File</th>
            <th className={tableClass.th}>Reason</th>
            <th className={tableClass.th}>Code</th>
          </tr>
        </thead>
        <tbody>
          {rejected.map((file) => (
            <tr key={`${file.path}:${file.code}`} className="last:[&>td]:border-b-0">
              <td className={`${tableClass.tdWrap} font-mono text-xs`} title={file.path}>
                {relative(file.path, base)}
              </td>
              <td className={`${tableClass.tdWrap} text-danger`}>{base ? file.reason.replaceAll(`${base}/`, "") : file.reason}</td>
              <td className={tableClass.tdWrap}>
                <code className="font-mono text-xs text-muted">{file.code}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
