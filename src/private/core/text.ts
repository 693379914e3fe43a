/**
 * Messages a person reads: a list in a message names its first few items and counts the rest, so that an app with a
 * thousand peerings gets an error of a few lines, not of 24 KB.
 */

/** How many items a message lists before it counts the rest. */
export const LISTED_ITEMS = 5;

/** `a, b, c, d, e and 7 more` (or every item, when there are few). */
export function listFew(items: readonly string[], separator = ', ', max = LISTED_ITEMS): string {
  return items.length <= max ? items.join(separator) : `${items.slice(0, max).join(separator)} and ${items.length - max} more`;
}
