import { describe, expect, it } from 'vitest';
import { AlreadyLinkedError, ForwardList, List, Queue } from '../src/index.js';

class Node {
  next: Node | null = null;
  prev: Node | null = null;
  owner: object | null = null;
  constructor(readonly label: string) {}
}

const nodes = (...labels: string[]) => labels.map((label) => new Node(label));
const labels = (iterable: Iterable<Node>) => [...iterable].map((node) => node.label);

describe('ForwardList (stack)', () => {
  it('pops in LIFO order and iterates from the top', () => {
    const stack = new ForwardList<Node>();
    for (const node of nodes('a', 'b', 'c')) stack.push(node);
    expect(stack.size).toBe(3);
    expect(labels(stack)).toEqual(['c', 'b', 'a']);
    expect(stack.peek()?.label).toBe('c');
    expect(stack.pop()?.label).toBe('c');
    expect(stack.pop()?.label).toBe('b');
    expect(stack.pop()?.label).toBe('a');
    expect(stack.pop()).toBeNull();
    expect(stack.isEmpty).toBe(true);
  });

  it('frees a popped node so it can be linked again, and refuses a double link', () => {
    const stack = new ForwardList<Node>();
    const [a] = nodes('a');
    stack.push(a!);
    expect(() => stack.push(a!)).toThrow(AlreadyLinkedError);
    expect(stack.pop()).toBe(a);
    expect(a!.owner).toBeNull();
    expect(a!.next).toBeNull();
    stack.push(a!);
    expect(stack.size).toBe(1);
  });
});

describe('Queue (FIFO)', () => {
  it('shifts in FIFO order and reports peek, size and emptiness', () => {
    const queue = new Queue<Node>();
    expect(queue.shift()).toBeNull();
    for (const node of nodes('a', 'b', 'c')) queue.push(node);
    expect(queue.peek()?.label).toBe('a');
    expect(labels(queue)).toEqual(['a', 'b', 'c']);
    expect(queue.shift()?.label).toBe('a');
    expect(queue.size).toBe(2);
    queue.push(new Node('d'));
    expect(labels(queue)).toEqual(['b', 'c', 'd']);
    queue.shift();
    queue.shift();
    queue.shift();
    expect(queue.isEmpty).toBe(true);
    expect(queue.peek()).toBeNull();
  });

  it('refuses a node that is linked anywhere, even in another kind of container', () => {
    const queue = new Queue<Node>();
    const other = new List<Node>();
    const [a, b] = nodes('a', 'b');
    queue.push(a!);
    other.pushBack(b!);
    expect(() => queue.push(a!)).toThrow(AlreadyLinkedError);
    expect(() => queue.push(b!)).toThrow(AlreadyLinkedError);
    expect(queue.size).toBe(1);
  });

  it('concat moves every node of the other queue to its end and empties it', () => {
    const first = new Queue<Node>();
    const second = new Queue<Node>();
    for (const node of nodes('a', 'b')) first.push(node);
    for (const node of nodes('c', 'd')) second.push(node);
    first.concat(second);
    expect(labels(first)).toEqual(['a', 'b', 'c', 'd']);
    expect(first.size).toBe(4);
    expect(second.size).toBe(0);
    expect(second.isEmpty).toBe(true);
    expect(second.shift()).toBeNull();
    const moved = [...first];
    expect(moved.every((node) => node.owner === first)).toBe(true);
    second.push(new Node('e'));
    expect(labels(second)).toEqual(['e']);
  });

  it('concat into an empty queue and of an empty queue', () => {
    const empty = new Queue<Node>();
    const full = new Queue<Node>();
    for (const node of nodes('a', 'b')) full.push(node);
    full.concat(empty);
    expect(labels(full)).toEqual(['a', 'b']);
    empty.concat(full);
    expect(labels(empty)).toEqual(['a', 'b']);
    empty.push(new Node('c'));
    expect(labels(empty)).toEqual(['a', 'b', 'c']);
    expect(full.isEmpty).toBe(true);
  });
});

describe('List (doubly linked)', () => {
  it('pushes and pops at both ends', () => {
    const list = new List<Node>();
    const [a, b, c] = nodes('a', 'b', 'c');
    list.pushBack(b!);
    list.pushFront(a!);
    list.pushBack(c!);
    expect(labels(list)).toEqual(['a', 'b', 'c']);
    expect(list.first()).toBe(a);
    expect(list.last()).toBe(c);
    expect(list.popBack()).toBe(c);
    expect(list.popFront()).toBe(a);
    expect(list.popFront()).toBe(b);
    expect(list.popFront()).toBeNull();
    expect(list.popBack()).toBeNull();
    expect(list.isEmpty).toBe(true);
  });

  it('removes a member from the middle, the head and the tail in O(1)', () => {
    const list = new List<Node>();
    const all = nodes('a', 'b', 'c', 'd', 'e');
    for (const node of all) list.pushBack(node);
    const [a, b, c, d, e] = all;
    expect(list.remove(c!)).toBe(true);
    expect(labels(list)).toEqual(['a', 'b', 'd', 'e']);
    expect(list.remove(a!)).toBe(true);
    expect(list.remove(e!)).toBe(true);
    expect(labels(list)).toEqual(['b', 'd']);
    expect(list.first()).toBe(b);
    expect(list.last()).toBe(d);
    expect(list.size).toBe(2);
    expect(
      [c, a, e].every((node) => node!.owner === null && node!.next === null && node!.prev === null),
    ).toBe(true);
  });

  it('remove returns false for a node it does not hold', () => {
    const list = new List<Node>();
    const other = new List<Node>();
    const [a, b] = nodes('a', 'b');
    other.pushBack(a!);
    expect(list.remove(a!)).toBe(false);
    expect(list.remove(b!)).toBe(false);
    expect(other.has(a!)).toBe(true);
    expect(other.remove(a!)).toBe(true);
    expect(other.remove(a!)).toBe(false);
  });

  it('refuses to link a node twice', () => {
    const list = new List<Node>();
    const [a] = nodes('a');
    list.pushBack(a!);
    expect(() => list.pushFront(a!)).toThrow(AlreadyLinkedError);
    expect(() => new List<Node>().pushBack(a!)).toThrow(/already linked/);
    expect(list.size).toBe(1);
  });

  it('iteration survives removing the node just visited', () => {
    const list = new List<Node>();
    for (const node of nodes('a', 'b', 'c', 'd')) list.pushBack(node);
    const visited: string[] = [];
    for (const node of list) {
      visited.push(node.label);
      if (node.label === 'b' || node.label === 'c') list.remove(node);
    }
    expect(visited).toEqual(['a', 'b', 'c', 'd']);
    expect(labels(list)).toEqual(['a', 'd']);
  });
});
