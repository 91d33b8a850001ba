import { AlreadyLinkedError } from '../errors.js';
import type { SinglyLinked } from './links.js';

/**
 * Intrusive LIFO stack over the nodes' `next` field. Push and pop are O(1) and allocate
 * nothing; a node may be in one container at a time.
 */
export class ForwardList<T extends SinglyLinked<T>> {
  private top: T | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get isEmpty(): boolean {
    return this.top === null;
  }

  /** The node `pop` would return, without removing it. */
  peek(): T | null {
    return this.top;
  }

  push(node: T): void {
    if (node.owner !== null) throw new AlreadyLinkedError();
    node.owner = this;
    node.next = this.top;
    this.top = node;
    this.count++;
  }

  pop(): T | null {
    const node = this.top;
    if (node === null) return null;
    this.top = node.next;
    node.next = null;
    node.owner = null;
    this.count--;
    return node;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let node = this.top; node !== null; node = node.next) yield node;
  }
}
