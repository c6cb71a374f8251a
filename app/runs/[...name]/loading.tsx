/** Placeholder with the page's shape while the run is read. */
export default function Loading() {
  const block = "animate-pulse rounded-xl border border-line bg-surface";
  return (
    <div className="space-y-6" aria-busy="true" aria-label="Loading run">
      <div className="space-y-2">
        <div className="h-4 w-16 animate-pulse rounded bg-subtle" />
        <div className="h-7 w-64 animate-pulse rounded bg-subtle" />
      </div>
      <div className={`${block} h-36`} />
      <div className={`${block} h-[440px]`} />
      <div className={`${block} h-72`} />
    </div>
  );
}
