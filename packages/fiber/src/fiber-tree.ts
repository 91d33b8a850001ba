/**
 * The spawn tree of the live fibers: a fiber spawned inside a fiber is linked into its
 * spawner's child list, any other into the list of roots. It is both the live-fiber
 * registry (what `liveFibers()` and the stuck-fiber report walk) and the path by which a
 * halt reaches the fibers a fiber spawned even when their tokens were never made (tokens
 * are made lazily; spawn must stay cheap). Intrusive: a fiber is linked by fields of its
 * own, so registering allocates nothing. Only running fibers are in it: a fiber that ends
 * hands its running children to its own spawner (or makes them roots), so halting an
 * ancestor still reaches them and a finished fiber is not kept alive by them.
 */
export interface TreeNode {
  /** Its spawner while both run; null for a root. */
  treeParent: TreeNode | null;
  firstChild: TreeNode | null;
  nextSibling: TreeNode | null;
  prevSibling: TreeNode | null;
}

/** The holder of the roots' list (never itself a fiber). */
const roots: TreeNode = { treeParent: null, firstChild: null, nextSibling: null, prevSibling: null };

/** The first root fiber (walk on with nextSibling and firstChild). */
export function firstRoot(): TreeNode | null {
  return roots.firstChild;
}

/** Links `child` as the newest child of `parent` (null: as the newest root). */
export function linkChild(parent: TreeNode | null, child: TreeNode): void {
  const owner = parent ?? roots;
  const first = owner.firstChild;
  child.treeParent = parent;
  child.prevSibling = null;
  child.nextSibling = first;
  if (first !== null) first.prevSibling = child;
  owner.firstChild = child;
}

/** Takes `node` out of its parent's child list (or the roots' list). */
export function unlinkChild(node: TreeNode): void {
  const { treeParent, prevSibling, nextSibling } = node;
  if (prevSibling === null) (treeParent ?? roots).firstChild = nextSibling;
  else prevSibling.nextSibling = nextSibling;
  if (nextSibling !== null) nextSibling.prevSibling = prevSibling;
  node.treeParent = node.nextSibling = node.prevSibling = null;
}

/** Moves every child of `node` to `heir` (null: they become roots), calling `adopted` for each. */
export function handChildrenOn<N extends TreeNode>(
  node: N,
  heir: N | null,
  adopted: (child: N) => void,
): void {
  let child = node.firstChild as N | null;
  node.firstChild = null;
  while (child !== null) {
    const next = child.nextSibling as N | null;
    linkChild(heir, child);
    adopted(child);
    child = next;
  }
}
