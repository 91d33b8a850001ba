import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import type { SharedBufferIds, SharedBufferLookup } from '../protocol/codec.js';
import type { ToWorker } from '../protocol/messages.js';

/** A function exported by a task module, as the pool calls it. */
export type TaskFunction = (...args: unknown[]) => unknown;

interface ModuleEntry {
  url: string;
  namespace: Record<string, unknown> | null;
  loading: Promise<void> | null;
  failure: unknown;
}

/** Fork ids are negative: -(moduleId * EXPORTS_PER_MODULE + exportIndex + 1). */
const EXPORTS_PER_MODULE = 4096;

/**
 * What a worker knows from the main thread: task functions by id, modules by id, shared
 * buffers by id, and argument payloads that came by message. It drains its inbox port
 * synchronously whenever it meets an id it does not know yet, so a task never runs before
 * the registrations it depends on.
 */
export class WorkerCatalog implements SharedBufferIds, SharedBufferLookup {
  private readonly functions = new Map<number, { moduleId: number; name: string }>();
  private readonly modules = new Map<number, ModuleEntry>();
  private readonly resolved = new Map<number, TaskFunction>();
  private readonly forkIds = new Map<TaskFunction, number>();
  private readonly buffers = new Map<number, SharedArrayBuffer>();
  private readonly bufferIds = new WeakMap<SharedArrayBuffer, number>();
  private readonly payloads = new Map<number, unknown>();

  constructor(private readonly port: MessagePort) {}

  /** Applies every message waiting on the inbox port. */
  drain(): void {
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      this.apply(m.message as ToWorker);
    }
  }

  private apply(message: ToWorker): void {
    switch (message.t) {
      case 'fn':
        this.functions.set(message.id, { moduleId: message.moduleId, name: message.name });
        if (!this.modules.has(message.moduleId)) {
          const entry: ModuleEntry = { url: message.url, namespace: null, loading: null, failure: undefined };
          this.modules.set(message.moduleId, entry);
          this.startLoading(message.moduleId, entry);
        }
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

  private startLoading(moduleId: number, entry: ModuleEntry): void {
    entry.loading = import(entry.url).then(
      (namespace: Record<string, unknown>) => {
        entry.namespace = namespace;
        // Module namespace keys are sorted, so every worker numbers the exports alike.
        Object.keys(namespace).forEach((key, index) => {
          const value = namespace[key];
          if (typeof value === 'function') {
            const id = -(moduleId * EXPORTS_PER_MODULE + index + 1);
            this.resolved.set(id, value as TaskFunction);
            this.forkIds.set(value as TaskFunction, id);
          }
        });
      },
      (error: unknown) => {
        entry.failure = error;
      },
    );
  }

  /** The function for a slot's FN field, or null while its module is still loading. Throws when it cannot exist. */
  lookup(id: number): TaskFunction | null {
    const known = this.resolved.get(id);
    if (known !== undefined) return known;
    if (id < 0) {
      const entry = this.moduleOf(id);
      if (entry.failure !== undefined) throw entry.failure;
      return null;
    }
    let fn = this.functions.get(id);
    if (fn === undefined) {
      this.drain();
      fn = this.functions.get(id);
      if (fn === undefined) throw new Error(`unknown task function id ${id}`);
    }
    const entry = this.modules.get(fn.moduleId)!;
    if (entry.failure !== undefined) throw entry.failure;
    if (entry.namespace === null) return null;
    const value = entry.namespace[fn.name];
    if (typeof value !== 'function') {
      throw new TypeError(`${entry.url} has no exported function named "${fn.name}"`);
    }
    this.resolved.set(id, value as TaskFunction);
    return value as TaskFunction;
  }

  /** The module of a fork id; a fork can name a module this worker has not heard of yet. */
  private moduleOf(forkId: number): ModuleEntry {
    const moduleId = Math.floor((-forkId - 1) / EXPORTS_PER_MODULE);
    let entry = this.modules.get(moduleId);
    if (entry === undefined) {
      this.drain();
      entry = this.modules.get(moduleId);
      if (entry === undefined) throw new Error(`unknown task module id ${moduleId}`);
    }
    return entry;
  }

  /** Waits until the module behind `id` has loaded (or failed). */
  async load(id: number): Promise<void> {
    if (id >= 0 && !this.functions.has(id)) this.drain();
    const entry = id < 0 ? this.moduleOf(id) : this.modules.get(this.functions.get(id)?.moduleId ?? -1);
    if (entry?.loading) await entry.loading;
  }

  /** The id a fork of `fn` travels under, or undefined when `fn` is not an export of a pool-loaded module. */
  forkIdOf(fn: TaskFunction): number | undefined {
    return this.forkIds.get(fn);
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
