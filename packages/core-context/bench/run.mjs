// The core-context benchmarks: JavaScript suites, then the native suite when its file
// exists (bench/native.mjs, built with the addon). Run with node --expose-gc; --quick for
// a smoke pass of a few seconds.
import { existsSync } from 'node:fs';
import { benchOptions, printRatios } from '@spindle/bench-kit';
import * as coroutine from './coroutine.mjs';
import * as intrusive from './intrusive.mjs';
import * as select from './select.mjs';
import * as spinlock from './spinlock.mjs';

const options = benchOptions();
for (const suite of [coroutine, intrusive, select, spinlock]) await suite.run(options);

const nativeSuite = new URL('./native.mjs', import.meta.url);
if (existsSync(nativeSuite)) {
  const native = await import(nativeSuite.href);
  // a suite exporting run(options) is driven here; one that runs on import already has
  if (typeof native.run === 'function') await native.run(options);
}

printRatios();
