import { AlreadyLinkedError } from '../errors.js';
/**
 * Intrusive doubly linked list: O(1) push and pop at both ends and O(1) `remove` of any
 * member. Wait queues use it so a cancelled waiter leaves without a search.
 */
export class List {
    head = null;
    tail = null;
    count = 0;
    get size() {
        return this.count;
    }
    get isEmpty() {
        return this.head === null;
    }
    first() {
        return this.head;
    }
    last() {
        return this.tail;
    }
    /** True when `node` is a member of this list. */
    has(node) {
        return node.owner === this;
    }
    pushBack(node) {
        this.link(node);
        node.prev = this.tail;
        node.next = null;
        if (this.tail === null)
            this.head = node;
        else
            this.tail.next = node;
        this.tail = node;
    }
    pushFront(node) {
        this.link(node);
        node.next = this.head;
        node.prev = null;
        if (this.head === null)
            this.tail = node;
        else
            this.head.prev = node;
        this.head = node;
    }
    popFront() {
        const node = this.head;
        if (node !== null)
            this.unlink(node);
        return node;
    }
    popBack() {
        const node = this.tail;
        if (node !== null)
            this.unlink(node);
        return node;
    }
    /** Removes `node` in O(1). Returns false when it is not a member (already removed). */
    remove(node) {
        if (node.owner !== this)
            return false;
        this.unlink(node);
        return true;
    }
    *[Symbol.iterator]() {
        for (let node = this.head; node !== null;) {
            const next = node.next;
            yield node;
            node = next;
        }
    }
    link(node) {
        if (node.owner !== null)
            throw new AlreadyLinkedError();
        node.owner = this;
        this.count++;
    }
    unlink(node) {
        const { prev, next } = node;
        if (prev === null)
            this.head = next;
        else
            prev.next = next;
        if (next === null)
            this.tail = prev;
        else
            next.prev = prev;
        node.prev = node.next = null;
        node.owner = null;
        this.count--;
    }
}
//# sourceMappingURL=list.js.map