import type { WaitOptions } from '@spindle/core-context';
import { CellAttempt, SharedWait } from './wait-engine.js';

/**
 * Waits until one cell equals `target` (`doneWhenEqual`) or differs from it: an event
 * waits while its cell is 0, a wait group until its counter is 0. Selectable: a withdrawn
 * wait changed nothing.
 */
export class CellWait extends SharedWait<void> {
  readonly selectable = true;

  constructor(
    private readonly cells: Int32Array,
    private readonly at: number,
    private readonly target: number,
    private readonly doneWhenEqual: boolean,
    private readonly label: string,
    options: WaitOptions | undefined,
  ) {
    super(cells, at, options);
  }

  describe(): string {
    return this.label;
  }

  protected newAttempt(): CellAttempt<void> {
    return new CellValueAttempt(this.cells, this.at, this.target, this.doneWhenEqual);
  }
}

class CellValueAttempt extends CellAttempt<void> {
  constructor(
    private readonly cells: Int32Array,
    private readonly at: number,
    private readonly target: number,
    private readonly doneWhenEqual: boolean,
  ) {
    super();
  }

  attempt(): boolean {
    const value = Atomics.load(this.cells, this.at);
    this.expected = value;
    return (value === this.target) === this.doneWhenEqual;
  }

  result(): void {}
}
