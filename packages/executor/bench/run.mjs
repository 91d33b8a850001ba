// The executor benchmark suite. Prints one JSON line per case and implementation on stdout
// and ratio tables on stderr. `--quick` runs reduced sizes.
import { benchOptions, printRatios } from '@spindle/bench-kit';
import { submitAborts } from './aborts.mjs';
import { cpuTasks, unevenFanOut } from './cpu.mjs';
import { forkJoin } from './forkjoin.mjs';
import { loopExecutor } from './loop.mjs';
import { POOLS } from './pools.mjs';
import { tinyTasks } from './tiny.mjs';

const { quick } = benchOptions();
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const context = { quick, pools: POOLS, suite: 'executor' };
const cases = {
  tiny: tinyTasks,
  cpu: cpuTasks,
  uneven: unevenFanOut,
  forkjoin: forkJoin,
  loop: loopExecutor,
  aborts: submitAborts,
};
for (const [name, run] of Object.entries(cases)) {
  if (only === undefined || only.split(',').includes(name)) await run(context);
}
printRatios();
