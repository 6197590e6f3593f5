/**
 * Control characters shown as escapes in everything the CLI prints about its inputs: messages
 * quote input files, lock headers and URLs, and a pyproject's TOML escapes or a committed lock's
 * header can carry terminal sequences (a title change, a screen clear) that the file does not
 * show. Line breaks and tabs stay.
 */
export function visibleControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
