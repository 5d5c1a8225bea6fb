/**
 * The gateway's progress status ("Queued…", "in_progress...") without its
 * trailing dots, ellipses and white space, for labels that add their own "…".
 * A scan back from the end: the status is foreign, and a regular expression
 * anchored at the end retried every run of dots from each of its starts.
 */

const TRAILING = /[….\s]/;

export function withoutTrailingEllipsis(status: string): string {
  let end = status.length;
  while (end > 0 && TRAILING.test(status[end - 1]!)) end--;
  return status.slice(0, end);
}
