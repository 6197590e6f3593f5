// A tiny model of a terminal screen, for what the progress display writes: the text a person
// would see once the bytes are played, and whether anything ran past the right edge. It knows
// only what the reporter may write (text, \r, \n, erase to end of line); any other control
// character or escape sequence is an error, so a test notices one it did not expect.

export interface Screen {
  /** The rows as a person would read them, trailing spaces trimmed. */
  rows: string[];
  /** The same text as lines: a row the terminal wrapped is joined to the next again. */
  lines: string[];
  /** A redraw in place ran past the last column (the terminal wrapped it onto a new row). */
  overflowed: boolean;
  /** The text of each redraw in place: what followed a \r up to the next \r (not a \n: that was a line). */
  frames: string[];
}

/**
 * `lineFeedReturns`: a bare \n also goes back to column 0, as a terminal's output processing
 * does (onlcr). A pseudo-terminal's captured output already has \r\n.
 */
export function playTerminal(output: string, columns: number, lineFeedReturns = true): Screen {
  const rows: string[][] = [[]];
  /** Rows that continue the row before them (the terminal wrapped there). */
  const continued = new Set<number>();
  let row = 0;
  let col = 0;
  let overflowed = false;
  const frames: string[] = [];
  let frame: string | undefined;
  let frameWrapped = false;
  /** A redraw ends at the next \r (or the end): it was drawn in place, so wrapping was a defect. */
  const endFrame = (): void => {
    if (frame !== undefined) frames.push(frame);
    if (frameWrapped) overflowed = true;
    frame = undefined;
    frameWrapped = false;
  };
  for (let i = 0; i < output.length; i++) {
    const c = output[i]!;
    if (c === '\r' && output[i + 1] === '\n') {
      // A line's end as a pseudo-terminal sends it: what followed the last \r was a line, not a redraw.
      frame = undefined;
      frameWrapped = false;
      col = 0;
    } else if (c === '\r') {
      endFrame();
      frame = '';
      col = 0;
    } else if (c === '\n') {
      frame = undefined;
      frameWrapped = false;
      row++;
      rows[row] ??= [];
      if (lineFeedReturns) col = 0;
    } else if (c === '\x1b') {
      if (output.slice(i, i + 3) !== '\x1b[K') throw new Error(`unexpected escape sequence at ${i}: ${JSON.stringify(output.slice(i, i + 8))}`);
      rows[row]!.length = Math.min(rows[row]!.length, col);
      i += 2;
    } else if (c < ' ' || c === '\x7f') {
      throw new Error(`unexpected control character ${JSON.stringify(c)} at ${i}`);
    } else {
      if (col >= columns) {
        // The terminal wraps: fine for a printed line, a defect in a line redrawn in place.
        if (frame !== undefined) frameWrapped = true;
        row++;
        rows[row] ??= [];
        continued.add(row);
        col = 0;
      }
      const line = rows[row]!;
      while (line.length < col) line.push(' ');
      line[col] = c;
      col++;
      if (frame !== undefined) frame += c;
    }
  }
  endFrame();
  const lines: string[] = [];
  rows.forEach((r, i) => {
    if (continued.has(i) && lines.length > 0) lines[lines.length - 1] += r.join('');
    else lines.push(r.join(''));
  });
  return { rows: rows.map((r) => r.join('').trimEnd()), lines: lines.map((l) => l.trimEnd()), overflowed, frames };
}

/** The rows that have text. */
export function visibleRows(screen: Screen): string[] {
  return screen.rows.filter((r) => r !== '');
}

/** The lines that have text, wrapped rows joined. */
export function visibleLines(screen: Screen): string[] {
  return screen.lines.filter((l) => l !== '');
}
