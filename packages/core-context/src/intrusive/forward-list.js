import { AlreadyLinkedError } from '../errors.js';
/**
 * Intrusive LIFO stack over the nodes' `next` field. Push and pop are O(1) and allocate
 * nothing; a node may be in one container at a time.
 */
export class ForwardList {
    top = null;
    count = 0;
    get size() {
        return this.count;
    }
    get isEmpty() {
        return this.top === null;
    }
    /** The node `pop` would return, without removing it. */
    peek() {
        return this.top;
    }
    push(node) {
        if (node.owner !== null)
            throw new AlreadyLinkedError();
        node.owner = this;
        node.next = this.top;
        this.top = node;
        this.count++;
    }
    pop() {
        const node = this.top;
        if (node === null)
            return null;
        this.top = node.next;
        node.next = null;
        node.owner = null;
        this.count--;
        return node;
    }
    *[Symbol.iterator]() {
        for (let node = this.top; node !== null; node = node.next)
            yield node;
    }
}
//# sourceMappingURL=forward-list.js.map