export type LegacyEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'latin1';

/**
 * A legacy file's bytes to text: a UTF-8 or UTF-16 byte-order mark says which, else UTF-8 when
 * it is valid, else Latin-1 (old Windows loggers write the local code page; parameter names and
 * numbers are ASCII). Never throws: any bytes decode to some text.
 */
export function decodeLegacyText(bytes: Buffer): { text: string; encoding: LegacyEncoding } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf-8-bom' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: bytes.toString('latin1'), encoding: 'latin1' };
  }
}

/** The lines of a text (`\r\n`, `\r` or `\n`), one at a time, so a caller that stops early never splits the rest. */
export function* linesOf(text: string): Generator<string> {
  const eol = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = eol.exec(text); m !== null; m = eol.exec(text)) {
    yield text.slice(start, m.index);
    start = eol.lastIndex;
  }
  yield text.slice(start);
}
