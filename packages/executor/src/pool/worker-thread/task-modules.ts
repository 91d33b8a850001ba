import type { Inbox } from './inbox.js';

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
 * The task modules of this worker: imports each one registered (as soon as it is), and
 * finds task functions by id (registered ids ≥ 0, fork ids < 0).
 */
export class TaskModules {
  private readonly functions = new Map<number, { moduleId: number; name: string }>();
  private readonly modules = new Map<number, ModuleEntry>();
  private readonly resolved = new Map<number, TaskFunction>();
  private readonly forkIds = new Map<TaskFunction, number>();

  constructor(private readonly inbox: Inbox) {}

  /** Takes the registrations the inbox has received and starts loading their modules. */
  update(): void {
    for (const registration of this.inbox.takeRegistrations()) {
      this.functions.set(registration.id, { moduleId: registration.moduleId, name: registration.name });
      if (!this.modules.has(registration.moduleId)) {
        const entry: ModuleEntry = {
          url: registration.url,
          namespace: null,
          loading: null,
          failure: undefined,
        };
        this.modules.set(registration.moduleId, entry);
        this.startLoading(registration.moduleId, entry);
      }
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
      this.update();
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
      this.update();
      entry = this.modules.get(moduleId);
      if (entry === undefined) throw new Error(`unknown task module id ${moduleId}`);
    }
    return entry;
  }

  /** Waits until the module behind `id` has loaded (or failed). */
  async load(id: number): Promise<void> {
    if (id >= 0 && !this.functions.has(id)) this.update();
    const entry = id < 0 ? this.moduleOf(id) : this.modules.get(this.functions.get(id)?.moduleId ?? -1);
    if (entry?.loading) await entry.loading;
  }

  /** The id a fork of `fn` travels under, or undefined when `fn` is not an export of a pool-loaded module. */
  forkIdOf(fn: TaskFunction): number | undefined {
    return this.forkIds.get(fn);
  }
}
