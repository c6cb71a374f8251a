/** The run page URL. Names may contain '/', so each segment is encoded and the route is a catch-all. */
export function runHref(name: string): string {
  return `/runs/${name.split("/").map(encodeURIComponent).join("/")}`;
}

/** The run name back from the catch-all segments (Next may or may not have decoded them already). */
export function runNameFromSegments(segments: string[]): string {
  return segments
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/");
}
