/** Whether a location is a URL (`scheme://...`) rather than a path: how -f/--find-links values are told apart. */
export function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}
