// Python's `shlex.split(text)` (POSIX mode, no comments), which pip applies to the options part
// of a line: quotes group, backslash escapes, only ' \t\r\n' separate words.

export class ShlexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShlexError';
  }
}

const WORD_SEPARATORS = new Set([' ', '\t', '\r', '\n']);
const QUOTES = new Set(['"', "'"]);
/** Inside these quotes a backslash escapes only the quote itself and the backslash. */
const ESCAPING_QUOTE = '"';

export function shlexSplit(text: string): string[] {
  const words: string[] = [];
  let word = '';
  // A word is open once any character or a quote pair was seen: '' is a word, nothing is not.
  let inWord = false;
  let quote: string | null = null;
  let index = 0;
  while (index < text.length) {
    const char = text.charAt(index);
    index++;
    if (quote !== null) {
      if (char === quote) {
        quote = null;
      } else if (char === '\\' && quote === ESCAPING_QUOTE) {
        if (index >= text.length) throw new ShlexError('No escaped character');
        const next = text.charAt(index);
        index++;
        word += next === quote || next === '\\' ? next : '\\' + next;
      } else {
        word += char;
      }
      continue;
    }
    if (WORD_SEPARATORS.has(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (char === '\\') {
      if (index >= text.length) throw new ShlexError('No escaped character');
      word += text.charAt(index);
      index++;
      inWord = true;
    } else if (QUOTES.has(char)) {
      quote = char;
      inWord = true;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote !== null) throw new ShlexError('No closing quotation');
  if (inWord) words.push(word);
  return words;
}
