/**
 * A value as a message quotes it: anything longer than `max` characters is cut with an ellipsis, so
 * that a 5 MB value in a job file still makes a one-line message.
 */
export function excerpt(value: string, max = 80): string {
  if (value.length <= max) return value;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(value.charAt(cut - 1))) cut -= 1; // never split a surrogate pair
  return `${value.slice(0, cut)}…`;
}
