import { MessageChannel, receiveMessageOnPort, type TransferListItem } from 'node:worker_threads';
import { type Encoded, encodeValue, type SharedBufferIds } from '../protocol/codec.js';
import { uncloneable } from '../protocol/errors.js';
import type { WorkerSet } from './workers.js';

/** A call's arguments, checked and serialized before the pool counts the call. */
export interface PreparedArguments {
  args: unknown[];
  transfer: readonly TransferListItem[] | undefined;
  /** The slot encoding, or null when the arguments travel by message. */
  encoded: Encoded | null;
}

/**
 * Serializes a call's arguments for a slot, or proves they can travel by message, so a
 * value that cannot cross fails here, naming the argument, before any slot is claimed.
 * Throws UncloneableError.
 */
export function prepareArguments(
  args: unknown[],
  transfer: readonly TransferListItem[] | undefined,
  shared: SharedBufferIds,
  slotBytes: number,
): PreparedArguments {
  if (transfer !== undefined) return moveTransferred(args, transfer);
  try {
    const encoded = encodeValue(args, shared, slotBytes);
    const fits = encoded.bytes === null || encoded.bytes.length <= slotBytes;
    return { args, transfer, encoded: fits ? encoded : null };
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
    return { args, transfer, encoded: null };
  }
}

/**
 * Moves the arguments and their transfer list through a local channel: a value that cannot
 * be cloned or transferred fails now, and what arrives (owning the transferred objects) is
 * what the pool later posts to a worker.
 */
function moveTransferred(args: unknown[], transfer: readonly TransferListItem[]): PreparedArguments {
  const { port1, port2 } = new MessageChannel();
  try {
    try {
      port1.postMessage({ args, transfer }, transfer as TransferListItem[]);
    } catch (error) {
      const index = args.findIndex((arg) => !canClone(arg, transfer));
      throw uncloneable(index < 0 ? 'the transfer list' : `argument ${index}`, error);
    }
    const moved = receiveMessageOnPort(port2)!.message as PreparedArguments;
    return { args: moved.args, transfer: moved.transfer, encoded: null };
  } finally {
    port1.close();
    port2.close();
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

/**
 * The main thread's registry of SharedArrayBuffers passed as task arguments: each gets an
 * id once and is announced to every worker (and to replacements), so it crosses by
 * reference inside slots and forks can pass it on.
 */
export class MainSharedBuffers implements SharedBufferIds {
  private readonly ids = new WeakMap<SharedArrayBuffer, number>();
  private count = 0;

  /** `workers` are told of each buffer, present ones and later replacements. */
  constructor(private readonly workers: WorkerSet) {}

  idOf(buffer: SharedArrayBuffer): number {
    let id = this.ids.get(buffer);
    if (id === undefined) {
      id = this.count++;
      this.ids.set(buffer, id);
      this.workers.announce({ t: 'share', id, buffer });
    }
    return id;
  }
}
