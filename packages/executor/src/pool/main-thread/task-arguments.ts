import type { TransferListItem } from 'node:worker_threads';
import { carriesSharedBuffers, encodeValue, type SharedBufferIds } from '../protocol/codec.js';
import { uncloneable } from '../protocol/errors.js';
import type { PoolTask } from './task.js';

/**
 * Serializes a task's arguments for a slot (`task.encoded`), or proves they can travel by
 * message (`encoded` stays null), so a value that cannot cross fails here, naming the
 * argument, before any slot is claimed or the call counted. With a transfer list the
 * arguments are cloned now, taking the transferred objects: the task then owns what it
 * later posts to a worker. Throws UncloneableError.
 */
export function prepareArguments(task: PoolTask, shared: SharedBufferIds, slotBytes: number): void {
  const args = task.args!;
  const transfer = task.transfer;
  if (transfer !== undefined) {
    const moved = moveTransferred(args, transfer);
    task.args = moved.args;
    task.transfer = moved.transfer;
    return;
  }
  try {
    const encoded = encodeValue(args, shared, slotBytes);
    task.sharesBuffers = carriesSharedBuffers(encoded);
    if (encoded.bytes === null || encoded.bytes.length <= slotBytes) task.encoded = encoded;
  } catch {
    // v8.serialize refuses some values structured clone takes (a nested SharedArrayBuffer):
    // those travel by message, anything else is named.
    args.forEach((arg, index) => {
      try {
        structuredClone(arg);
      } catch (error) {
        throw uncloneable(`argument ${index}`, error);
      }
    });
  }
}

interface Moved {
  args: unknown[];
  transfer: readonly TransferListItem[];
}

/**
 * Clones the arguments with their transfer list: what comes back owns the transferred
 * objects. A value that cannot be cloned or transferred fails, and then nothing has moved.
 */
function moveTransferred(args: unknown[], transfer: readonly TransferListItem[]): Moved {
  try {
    return structuredClone({ args, transfer }, { transfer: [...transfer] }) as Moved;
  } catch (error) {
    const index = args.findIndex((arg) => !canClone(arg, transfer));
    throw uncloneable(index < 0 ? 'the transfer list' : `argument ${index}`, error);
  }
}

/** A copy-only trial (transferring would move the caller's objects away) of one argument. */
function canClone(arg: unknown, transfer: readonly TransferListItem[]): boolean {
  if (transfer.includes(arg as TransferListItem)) return true;
  try {
    structuredClone(arg);
    return true;
  } catch {
    return false;
  }
}
