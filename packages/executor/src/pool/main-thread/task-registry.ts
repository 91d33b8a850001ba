import { moduleUrl } from './module-url.js';
import { issuerOf, TaskHandle } from './task.js';
import type { WorkerSet } from './workers.js';

/** The task functions registered with a pool (`pool.task()`): one handle and one id per module export. */
export class TaskRegistry {
  private readonly handles = new Map<string, TaskHandle>();
  private readonly moduleIds = new Map<string, number>();

  /** `workers` are told of each registration, present ones and later replacements. */
  constructor(private readonly workers: WorkerSet) {}

  /** `handle` when this registry issued it; else this pool's handle of the same module export. */
  own(handle: TaskHandle): TaskHandle {
    return issuerOf(handle) === this ? handle : this.handle(handle.url, handle.name);
  }

  /** The handle of `name` exported by `module`, registered with the workers the first time. */
  handle(module: string | URL, name: string): TaskHandle {
    const url = moduleUrl(module);
    if (typeof name !== 'string' || name === '') throw new TypeError('name must be a non-empty export name');
    const key = `${url}#${name}`;
    let handle = this.handles.get(key);
    if (handle === undefined) {
      let moduleId = this.moduleIds.get(url);
      if (moduleId === undefined) this.moduleIds.set(url, (moduleId = this.moduleIds.size));
      handle = new TaskHandle(this.handles.size, url, name, this);
      this.handles.set(key, handle);
      this.workers.announce({ t: 'fn', id: handle.id, moduleId, url, name });
    }
    return handle;
  }
}
