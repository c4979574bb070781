/**
 * Bounded line input for the simulator's command stream, and a safe way to echo what was typed.
 *
 * readline keeps a whole line in memory until its newline arrives, so a 100 MB line without a
 * newline grew the daemon by hundreds of MB. Here a line is kept only up to `maxBytes`; the rest
 * of an overlong line is dropped as it arrives (one report per line) and the line is not run:
 * a cut-off command could do something other than what was typed.
 */

/** The longest command line the simulator accepts, in bytes (commands are a few words). */
export const MAX_LINE_BYTES = 1024;

export interface LineHandlers {
  /** A complete line (without its newline), at most `maxBytes` long. */
  line(text: string): void;
  /** A line passed `maxBytes`: `prefix` is its start; the rest, up to the newline, is dropped. */
  tooLong(prefix: string): void;
  /** The input ended (or failed). Not called after the returned detach function ran. */
  end(): void;
}

/** Splits `input` into lines of at most `maxBytes`; returns a function that stops reading. */
export function readBoundedLines(
  input: NodeJS.ReadableStream,
  handlers: LineHandlers,
  maxBytes = MAX_LINE_BYTES,
): () => void {
  let parts: Buffer[] = [];
  let size = 0;
  let discarding = false;
  let detached = false;

  const onData = (chunk: Buffer | string) => {
    let rest = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    while (rest.length > 0 && !detached) {
      const newline = rest.indexOf(0x0a);
      const piece = newline === -1 ? rest : rest.subarray(0, newline);
      if (!discarding) {
        if (size + piece.length > maxBytes) {
          parts.push(piece.subarray(0, maxBytes - size));
          discarding = true;
          const prefix = Buffer.concat(parts).toString('utf8');
          parts = [];
          size = 0;
          handlers.tooLong(prefix);
        } else {
          // A copy: keeping a view would pin the whole (possibly large) chunk in memory.
          parts.push(Buffer.from(piece));
          size += piece.length;
        }
      }
      if (newline === -1) break;
      const complete = discarding ? null : Buffer.concat(parts).toString('utf8');
      parts = [];
      size = 0;
      discarding = false;
      rest = rest.subarray(newline + 1);
      if (complete !== null) handlers.line(complete);
    }
  };
  const onEnd = () => {
    if (detached) return;
    detach();
    // A last line without a newline still counts, as in a shell.
    if (!discarding && size > 0) handlers.line(Buffer.concat(parts).toString('utf8'));
    handlers.end();
  };
  const detach = () => {
    if (detached) return;
    detached = true;
    input.off('data', onData);
    input.off('end', onEnd);
    input.off('error', onEnd);
    // Paused, an input such as the terminal no longer keeps the process alive.
    input.pause();
  };
  input.on('data', onData);
  input.on('end', onEnd);
  input.on('error', onEnd);
  return detach;
}
