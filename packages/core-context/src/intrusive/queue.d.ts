import type { SinglyLinked } from './links.js';
/**
 * Intrusive FIFO queue over the nodes' `next` field. Push and shift are O(1) and allocate
 * nothing; a node may be in one container at a time. This is the run queue of executors.
 */
export declare class Queue<T extends SinglyLinked<T>> {
    private head;
    private tail;
    private count;
    get size(): number;
    get isEmpty(): boolean;
    /** The node `shift` would return, without removing it. */
    peek(): T | null;
    push(node: T): void;
    shift(): T | null;
    /**
     * Moves every node of `other` to the end of this queue, leaving `other` empty. The splice
     * is O(1); re-tagging the moved nodes as members of this queue is O(length of `other`).
     */
    concat(other: Queue<T>): void;
    [Symbol.iterator](): IterableIterator<T>;
}
//# sourceMappingURL=queue.d.ts.map