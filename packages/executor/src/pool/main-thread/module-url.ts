import { pathToFileURL } from 'node:url';

/** The URL a worker imports for a module given as a URL, a URL string or a file path (task and tracer modules). */
export function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module === '') throw new TypeError('module must be a URL or a path');
  if (/^[a-z][a-z0-9+.-]*:/i.test(module)) return module;
  return pathToFileURL(module).href;
}
