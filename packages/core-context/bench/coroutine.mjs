// coroutine-resume: one resume plus the suspend that ends it, against the bare generator
// next() it wraps (target: at most 1.5x). The two alternate round by round so that load
// from other processes hits both alike; each reports the median of its rounds.
import { emit, median, nsPerOp } from '@spindle/bench-kit';
import { Coroutine } from '../dist/index.js';

function* echo() {
  let value = 0;
  for (;;) value = yield value + 1;
}

// Results land here so the measured loops have an observable effect.
export let sink = 0;

export async function run({ quick }) {
  const n = quick ? 300_000 : 3_000_000;
  const rounds = quick ? 3 : 11;

  const generator = echo();
  generator.next();
  const bare = (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += generator.next(i).value;
    sink = sum;
  };

  const coroutine = new Coroutine(echo);
  coroutine.resume();
  const spindle = (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += coroutine.resume(i);
    sink = sum;
  };

  const samples = { spindle: [], 'generator-next': [] };
  for (let round = 0; round < rounds; round++) {
    const warmup = round === 0 ? 1 : 0;
    samples['generator-next'].push(await nsPerOp(bare, { n, runs: 1, warmup }));
    samples.spindle.push(await nsPerOp(spindle, { n, runs: 1, warmup }));
  }
  for (const [impl, values] of Object.entries(samples)) {
    emit({
      suite: 'core-context',
      case: 'coroutine-resume',
      impl,
      value: median(values),
      unit: 'ns/op',
      better: 'lower',
      n,
    });
  }
}
