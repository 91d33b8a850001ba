//! A pool of managed stacks: creating a coroutine then costs no system call once the pool
//! is warm, and a stack's pages stay committed for the next coroutine.

use std::io;
use std::sync::{Arc, Mutex};

use super::{MmapStack, Stack};

/// Hands out guarded stacks of one size and takes them back when their `PooledStack`
/// drops, keeping at most `max_cached` idle ones. Cloning shares the pool.
#[derive(Clone, Debug)]
pub struct StackPool {
    inner: Arc<PoolInner>,
}

#[derive(Debug)]
struct PoolInner {
    size: usize,
    max_cached: usize,
    idle: Mutex<Vec<MmapStack>>,
}

impl StackPool {
    /// A pool of stacks with at least `size` usable bytes, caching up to `max_cached`.
    pub fn new(size: usize, max_cached: usize) -> StackPool {
        StackPool {
            inner: Arc::new(PoolInner {
                size,
                max_cached,
                idle: Mutex::new(Vec::new()),
            }),
        }
    }

    /// An idle stack, or a new one when none is cached.
    pub fn get(&self) -> io::Result<PooledStack> {
        let reused = self
            .inner
            .idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop();
        let stack = match reused {
            Some(stack) => stack,
            None => MmapStack::new(self.inner.size)?,
        };
        Ok(PooledStack {
            stack: Some(stack),
            pool: Arc::clone(&self.inner),
        })
    }

    /// Number of idle stacks waiting for reuse.
    pub fn cached(&self) -> usize {
        self.inner
            .idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }
}

/// A stack on loan from a `StackPool`; dropping it returns it.
#[derive(Debug)]
pub struct PooledStack {
    stack: Option<MmapStack>,
    pool: Arc<PoolInner>,
}

impl PooledStack {
    fn stack(&self) -> &MmapStack {
        self.stack
            .as_ref()
            .expect("a pooled stack is present until drop")
    }
}

impl Drop for PooledStack {
    fn drop(&mut self) {
        let Some(stack) = self.stack.take() else {
            return;
        };
        let mut idle = self.pool.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < self.pool.max_cached {
            idle.push(stack);
        }
    }
}

// SAFETY: delegates to the owned MmapStack.
unsafe impl Stack for PooledStack {
    fn top(&self) -> *mut u8 {
        self.stack().top()
    }
    fn limit(&self) -> *mut u8 {
        self.stack().limit()
    }
    fn guard(&self) -> Option<(usize, usize)> {
        self.stack().guard()
    }
}
