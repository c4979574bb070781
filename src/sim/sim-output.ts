/**
 * The simulator's standard output, shared by the screen frames (the sim display) and the `sim:`
 * answers of the commands.
 *
 * A command acts synchronously on the simulated ports, and the flow redraws inside that call:
 * written straight through, the frames a `tap` causes would come before its `sim: tapped` line,
 * and a script that waits for the answer would read the wrong frame. While a command runs, the
 * frames it causes are held back and written after its answer.
 */

/** What the simulator writes to: a terminal, a pipe, or a test's sink. */
export interface TextOut {
  write(text: string): unknown;
}

export class SimOutput implements TextOut {
  readonly #out: TextOut;
  #held: string[] | null = null;

  constructor(out: TextOut) {
    this.#out = out;
  }

  /** Writes `text` now, or after the answer of the command that is running. */
  write(text: string): boolean {
    if (this.#held) this.#held.push(text);
    else this.#out.write(text);
    return true;
  }

  /**
   * Runs a command and writes its answer (a line, or nothing when empty), then the output the
   * command caused, in the order it was written.
   */
  answer(command: () => string): void {
    this.#held = [];
    let answer = '';
    try {
      answer = command();
    } finally {
      const held = this.#held;
      this.#held = null;
      if (answer) this.#out.write(`${answer}\n`);
      for (const text of held) this.#out.write(text);
    }
  }
}
