/**
 * Quoting what a person typed back to them (the simulator's answers, the CLI's usage errors).
 * Input can be anything: a megabyte pasted by mistake, terminal escape sequences. Echoed whole
 * and raw, it floods the terminal or acts on it; quoted here, it is short and inert.
 */

/** How many characters of a user's input a message quotes back. */
export const ECHO_CHARS = 40;

// Control and formatting characters (ESC, NUL, bidi overrides, line separators…) would act on
// the terminal that shows the answer; unassigned and private ones cannot be shown.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/u;

/**
 * Quotes user input for an answer: at most `max` characters, control characters escaped
 * (`\x1b`, `\u{202e}`), an ellipsis when cut. Never the whole of an arbitrary line.
 */
export function quoteInput(text: string, max = ECHO_CHARS): string {
  const chars = [...text];
  const shown = chars.slice(0, max).map((c) => {
    if (c === "'" || c === '\\') return `\\${c}`;
    if (!UNPRINTABLE.test(c)) return c;
    const code = c.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
  return `'${shown.join('')}${chars.length > max ? '…' : ''}'`;
}
