/**
 * The spawn tree, through which a halt reaches the fibers a fiber spawned even when their
 * tokens were never made (tokens are made lazily; spawn must stay cheap). Intrusive: a
 * child is linked into its spawner's child list by fields of its own. Only running fibers
 * are in it: a fiber that ends hands its running children to its own parent, so halting
 * an ancestor still reaches them and a finished fiber is not kept alive by them.
 */
export interface TreeNode {
  treeParent: TreeNode | null;
  firstChild: TreeNode | null;
  nextSibling: TreeNode | null;
  prevSibling: TreeNode | null;
}

/** Links `child` as the newest child of `parent`. */
export function linkChild(parent: TreeNode, child: TreeNode): void {
  const first = parent.firstChild;
  child.treeParent = parent;
  child.prevSibling = null;
  child.nextSibling = first;
  if (first !== null) first.prevSibling = child;
  parent.firstChild = child;
}

/** Takes `node` out of its parent's child list. */
export function unlinkChild(node: TreeNode): void {
  const { treeParent, prevSibling, nextSibling } = node;
  if (treeParent === null) return;
  if (prevSibling === null) treeParent.firstChild = nextSibling;
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
    child.treeParent = child.nextSibling = child.prevSibling = null;
    if (heir !== null) linkChild(heir, child);
    adopted(child);
    child = next;
  }
}
