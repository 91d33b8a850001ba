import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import type { SharedBufferIds, SharedBufferLookup } from '../protocol/codec.js';
import type { ToWorker } from '../protocol/messages.js';

/** A task function the main thread registered: its id, module and export name. */
export type Registration = Extract<ToWorker, { t: 'fn' }>;

/**
 * The worker's synchronous inbox port from the main thread, drained whenever the worker
 * meets an id it does not know yet, so a task never runs before what it depends on: keeps
 * the shared buffers by id and the by-message arguments by slot, and queues registrations
 * for TaskModules.
 */
export class Inbox implements SharedBufferIds, SharedBufferLookup {
  private readonly buffers = new Map<number, SharedArrayBuffer>();
  private readonly bufferIds = new WeakMap<SharedArrayBuffer, number>();
  private readonly payloads = new Map<number, unknown>();
  private registrations: Registration[] = [];

  constructor(private readonly port: MessagePort) {}

  /** Applies every message waiting on the port. */
  drain(): void {
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      const message = m.message as ToWorker;
      switch (message.t) {
        case 'fn':
          this.registrations.push(message);
          break;
        case 'share':
          this.buffers.set(message.id, message.buffer);
          this.bufferIds.set(message.buffer, message.id);
          break;
        case 'payload':
          this.payloads.set(message.slot, message.value);
          break;
      }
    }
  }

  /** The registrations received since the last call, in order. */
  takeRegistrations(): Registration[] {
    this.drain();
    const taken = this.registrations;
    this.registrations = [];
    return taken;
  }

  /** Takes the by-message arguments of a slot. */
  takePayload(slot: number): unknown {
    if (!this.payloads.has(slot)) this.drain();
    const value = this.payloads.get(slot);
    this.payloads.delete(slot);
    return value;
  }

  idOf(buffer: SharedArrayBuffer): number {
    const id = this.bufferIds.get(buffer);
    if (id === undefined) {
      throw new TypeError(
        'only SharedArrayBuffers that reached this worker as task arguments can be passed to fork()',
      );
    }
    return id;
  }

  bufferOf(id: number): SharedArrayBuffer {
    let buffer = this.buffers.get(id);
    if (buffer === undefined) {
      this.drain();
      buffer = this.buffers.get(id);
      if (buffer === undefined) throw new Error(`unknown shared buffer id ${id}`);
    }
    return buffer;
  }
}
