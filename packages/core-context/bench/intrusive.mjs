// queue-push-shift: a FIFO at a steady 1,024 items, each op one push and one shift;
// Spindle's intrusive Queue (the items are the nodes) against an Array. Time per op, and
// heap bytes allocated per op (node --expose-gc; target ~0 for the intrusive queue).
import { allocatedBytesPerOp, emit, nsPerOp } from '@spindle/bench-kit';
import { Queue } from '../dist/index.js';

const DEPTH = 1024;

class Task {
  next = null;
  owner = null;
  constructor(id) {
    this.id = id;
  }
}

// Results land here so the measured loops have an observable effect.
export let sink = 0;

function intrusiveCycle() {
  const queue = new Queue();
  for (let i = 0; i < DEPTH; i++) queue.push(new Task(i));
  return (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const task = queue.shift();
      sum += task.id;
      queue.push(task);
    }
    sink = sum;
  };
}

function arrayCycle() {
  const array = [];
  for (let i = 0; i < DEPTH; i++) array.push(new Task(i));
  return (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const task = array.shift();
      sum += task.id;
      array.push(task);
    }
    sink = sum;
  };
}

export async function run({ quick }) {
  const n = quick ? 300_000 : 5_000_000;
  const runs = quick ? 3 : 7;
  const impls = [
    ['spindle', intrusiveCycle],
    ['array', arrayCycle],
  ];
  for (const [impl, make] of impls) {
    // one body for both figures: allocation is counted once it is warm (compiled code
    // lands on the heap too and would otherwise show up as bytes per op)
    const body = make();
    const value = await nsPerOp(body, { n, runs });
    emit({ suite: 'core-context', case: 'queue-push-shift', impl, value, unit: 'ns/op', better: 'lower', n });
    const bytes = allocatedBytesPerOp(body, n);
    emit({
      suite: 'core-context',
      case: 'queue-push-shift-alloc',
      impl,
      value: bytes,
      unit: 'bytes/op',
      better: 'lower',
      n,
    });
  }
}
