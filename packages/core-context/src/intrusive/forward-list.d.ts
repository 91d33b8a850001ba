import type { SinglyLinked } from './links.js';
/**
 * Intrusive LIFO stack over the nodes' `next` field. Push and pop are O(1) and allocate
 * nothing; a node may be in one container at a time.
 */
export declare class ForwardList<T extends SinglyLinked<T>> {
    private top;
    private count;
    get size(): number;
    get isEmpty(): boolean;
    /** The node `pop` would return, without removing it. */
    peek(): T | null;
    push(node: T): void;
    pop(): T | null;
    [Symbol.iterator](): IterableIterator<T>;
}
//# sourceMappingURL=forward-list.d.ts.map