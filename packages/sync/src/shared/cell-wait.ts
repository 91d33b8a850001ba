import type { WaitOptions } from '@spindle/core-context';
import { SharedWait } from './wait-engine.js';

/**
 * Waits until one cell equals `target` (`doneWhenEqual`) or differs from it: an event
 * waits while its cell is 0, a wait group until its counter is 0.
 */
export class CellWait extends SharedWait<void> {
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

  protected attempt(): boolean {
    const value = Atomics.load(this.cells, this.at);
    this.expected = value;
    return (value === this.target) === this.doneWhenEqual;
  }

  protected result(): void {}
}
