/**
 * The link fields an object carries to be a node of Spindle's intrusive containers.
 * The caller's objects are the nodes, so linking allocates nothing. `owner` records which
 * container holds the node (null when free): it makes double-linking an error and lets
 * `remove` reject a node of another container in O(1).
 */
export interface SinglyLinked<T> {
    next: T | null;
    owner: object | null;
}
/** Link fields of a doubly linked node. */
export interface DoublyLinked<T> extends SinglyLinked<T> {
    prev: T | null;
}
//# sourceMappingURL=links.d.ts.map