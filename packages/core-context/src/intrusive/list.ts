import { AlreadyLinkedError } from '../errors.js';
import type { DoublyLinked } from './links.js';

/**
 * Intrusive doubly linked list: O(1) push and pop at both ends and O(1) `remove` of any
 * member. Wait queues use it so a cancelled waiter leaves without a search.
 */
export class List<T extends DoublyLinked<T>> {
  private head: T | null = null;
  private tail: T | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get isEmpty(): boolean {
    return this.head === null;
  }

  first(): T | null {
    return this.head;
  }

  last(): T | null {
    return this.tail;
  }

  /** True when `node` is a member of this list. */
  has(node: T): boolean {
    return node.owner === this;
  }

  pushBack(node: T): void {
    this.link(node);
    node.prev = this.tail;
    node.next = null;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
  }

  pushFront(node: T): void {
    this.link(node);
    node.next = this.head;
    node.prev = null;
    if (this.head === null) this.tail = node;
    else this.head.prev = node;
    this.head = node;
  }

  popFront(): T | null {
    const node = this.head;
    if (node !== null) this.unlink(node);
    return node;
  }

  popBack(): T | null {
    const node = this.tail;
    if (node !== null) this.unlink(node);
    return node;
  }

  /** Removes `node` in O(1). Returns false when it is not a member (already removed). */
  remove(node: T): boolean {
    if (node.owner !== this) return false;
    this.unlink(node);
    return true;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let node = this.head; node !== null; ) {
      const next: T | null = node.next;
      yield node;
      node = next;
    }
  }

  private link(node: T): void {
    if (node.owner !== null) throw new AlreadyLinkedError();
    node.owner = this;
    this.count++;
  }

  private unlink(node: T): void {
    const { prev, next } = node;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    node.prev = node.next = null;
    node.owner = null;
    this.count--;
  }
}
