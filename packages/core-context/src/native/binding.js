/**
 * Loads the native addon built from `native/` (`pnpm build` runs scripts/build-native.mjs,
 * which writes `spindle-core-context.<platform>-<arch>.node` next to package.json).
 * Nothing loads until a native function is first called, so importing the package never
 * fails on a machine without the addon.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { NativeBindingError } from '../errors.js';
/** File name of the addon for this platform and architecture. */
export function bindingFileName(platform = process.platform, arch = process.arch) {
    return `spindle-core-context.${platform}-${arch}.node`;
}
/**
 * Where the addon is expected: the package root (two levels above src/native or dist/native),
 * or the file `SPINDLE_NATIVE_ADDON` names (tests name a missing one to act as a system without it).
 */
export function defaultBindingPath() {
    return (process.env.SPINDLE_NATIVE_ADDON ?? fileURLToPath(new URL(`../../${bindingFileName()}`, import.meta.url)));
}
/**
 * Loads the addon at `path`. Throws `NativeBindingError` naming the expected file when it
 * is missing or cannot be loaded.
 */
export function loadBinding(path = defaultBindingPath()) {
    if (!existsSync(path)) {
        throw new NativeBindingError(`The native addon of @spindle/core-context was not found at ${path}. ` +
            'Run `pnpm build` (it needs Rust and cargo) to build it.');
    }
    try {
        return createRequire(import.meta.url)(path);
    }
    catch (cause) {
        throw new NativeBindingError(`The native addon of @spindle/core-context at ${path} could not be loaded ` +
            `(${cause.message}). Run \`pnpm build\` to rebuild it.`, { cause });
    }
}
let loaded;
/** The addon at the default path, loaded once on first use. */
export function nativeBinding() {
    loaded ??= loadBinding();
    return loaded;
}
//# sourceMappingURL=binding.js.map