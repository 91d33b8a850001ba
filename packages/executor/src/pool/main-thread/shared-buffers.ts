import type { SharedBufferIds } from '../protocol/codec.js';

/**
 * The main thread's registry of SharedArrayBuffers passed as task arguments: each gets an
 * id once and is announced to every worker (and to replacements), so it crosses by
 * reference inside slots and forks can pass it on.
 */
export class MainSharedBuffers implements SharedBufferIds {
  private readonly ids = new WeakMap<SharedArrayBuffer, number>();
  private count = 0;

  constructor(private readonly announce: (id: number, buffer: SharedArrayBuffer) => void) {}

  idOf(buffer: SharedArrayBuffer): number {
    let id = this.ids.get(buffer);
    if (id === undefined) {
      id = this.count++;
      this.ids.set(buffer, id);
      this.announce(id, buffer);
    }
    return id;
  }
}
