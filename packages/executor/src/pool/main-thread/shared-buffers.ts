import type { SharedBufferIds } from '../protocol/codec.js';
import type { WorkerSet } from './workers.js';

/**
 * The main thread's registry of SharedArrayBuffers passed as task arguments: each gets an
 * id when a call is prepared, and is announced to every worker (and to replacements) once
 * a call that carries it is accepted, so it crosses by reference inside slots and forks can
 * pass it on. A refused call registers nothing with the workers.
 */
export class MainSharedBuffers implements SharedBufferIds {
  private readonly ids = new WeakMap<SharedArrayBuffer, number>();
  private readonly announced = new WeakSet<SharedArrayBuffer>();
  private count = 0;

  /** `workers` are told of each buffer, present ones and later replacements. */
  constructor(private readonly workers: WorkerSet) {}

  idOf(buffer: SharedArrayBuffer): number {
    let id = this.ids.get(buffer);
    if (id === undefined) {
      id = this.count++;
      this.ids.set(buffer, id);
    }
    return id;
  }

  /** Announces the top-level shared buffers of an accepted call's arguments not announced yet. */
  announceIn(args: readonly unknown[]): void {
    for (const arg of args) {
      const buffer = arg instanceof SharedArrayBuffer ? arg : ArrayBuffer.isView(arg) ? arg.buffer : null;
      if (!(buffer instanceof SharedArrayBuffer) || this.announced.has(buffer)) continue;
      const id = this.ids.get(buffer);
      if (id === undefined) continue; // not marked (a DataView): it travels as a copy
      this.announced.add(buffer);
      this.workers.announce({ t: 'share', id, buffer });
    }
  }
}
