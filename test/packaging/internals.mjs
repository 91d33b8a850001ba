// Members of public classes that only the packages themselves use: a TypeScript user of the
// published types must not see them. (Members every class has by contract, such as a
// Waitable's park/unpark or a Runnable's link, are public and not listed.)
export const hiddenInternals = {
  '@spindle/executor/pool': {
    TaskResult: ['resolve', 'reject'],
  },
  '@spindle/fiber': {
    Fiber: [
      'liveNext',
      'livePrev',
      'parkedOn',
      'start',
      'markReleased',
      'outcomeError',
      'lineage',
      'joined',
      'next',
      'prev',
      'owner',
      'run',
      'wake',
      'fail',
      'locals',
      'ownsLocals',
    ],
    FiberPool: ['take'],
  },
  '@spindle/sync': {
    Mutex: [
      'waiters',
      'fiberWaiters',
      'fiberQueue',
      'acquireFor',
      'parkFiber',
      'claimAfterRetry',
      'retrierLeft',
    ],
    Semaphore: ['free', 'waiters'],
    RwLock: ['waitingReaders', 'waitingWriters'],
    Condition: ['waiters'],
    Barrier: ['waiters', 'arrive', 'leave'],
    Notify: ['permit'],
    SharedRwLock: ['enterRead', 'enterWrite', 'update'],
    SharedSemaphore: ['take'],
    SharedBarrier: ['advance'],
  },
};
