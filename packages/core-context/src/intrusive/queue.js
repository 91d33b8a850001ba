import { AlreadyLinkedError } from '../errors.js';
/**
 * Intrusive FIFO queue over the nodes' `next` field. Push and shift are O(1) and allocate
 * nothing; a node may be in one container at a time. This is the run queue of executors.
 */
export class Queue {
    head = null;
    tail = null;
    count = 0;
    get size() {
        return this.count;
    }
    get isEmpty() {
        return this.head === null;
    }
    /** The node `shift` would return, without removing it. */
    peek() {
        return this.head;
    }
    push(node) {
        if (node.owner !== null)
            throw new AlreadyLinkedError();
        node.owner = this;
        node.next = null;
        if (this.tail === null)
            this.head = node;
        else
            this.tail.next = node;
        this.tail = node;
        this.count++;
    }
    shift() {
        const node = this.head;
        if (node === null)
            return null;
        this.head = node.next;
        if (this.head === null)
            this.tail = null;
        node.next = null;
        node.owner = null;
        this.count--;
        return node;
    }
    /**
     * Moves every node of `other` to the end of this queue, leaving `other` empty. The splice
     * is O(1); re-tagging the moved nodes as members of this queue is O(length of `other`).
     */
    concat(other) {
        if (other.head === null)
            return;
        for (let node = other.head; node !== null; node = node.next)
            node.owner = this;
        if (this.tail === null)
            this.head = other.head;
        else
            this.tail.next = other.head;
        this.tail = other.tail;
        this.count += other.count;
        other.head = other.tail = null;
        other.count = 0;
    }
    *[Symbol.iterator]() {
        for (let node = this.head; node !== null; node = node.next)
            yield node;
    }
}
//# sourceMappingURL=queue.js.map