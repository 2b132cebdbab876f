/** A moment in the reader's own locale and time zone, to the second. */
export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** `2 Dec 2026`: a day, in words that read the same everywhere. */
export function formatDay(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}
