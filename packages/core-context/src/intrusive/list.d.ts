import type { DoublyLinked } from './links.js';
/**
 * Intrusive doubly linked list: O(1) push and pop at both ends and O(1) `remove` of any
 * member. Wait queues use it so a cancelled waiter leaves without a search.
 */
export declare class List<T extends DoublyLinked<T>> {
    private head;
    private tail;
    private count;
    get size(): number;
    get isEmpty(): boolean;
    first(): T | null;
    last(): T | null;
    /** True when `node` is a member of this list. */
    has(node: T): boolean;
    pushBack(node: T): void;
    pushFront(node: T): void;
    popFront(): T | null;
    popBack(): T | null;
    /** Removes `node` in O(1). Returns false when it is not a member (already removed). */
    remove(node: T): boolean;
    [Symbol.iterator](): IterableIterator<T>;
    private link;
    private unlink;
}
//# sourceMappingURL=list.d.ts.map