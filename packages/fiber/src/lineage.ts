/** Ancestors a failure's stack names; older ones are summed up as "…". */
const SHOWN = 8;

/**
 * A detached description of a fiber (id, name, and its spawner's Lineage) that the fiber's
 * children keep instead of the fiber itself, so a failure can say who spawned whom while a
 * finished parent stays collectable. A fiber makes its Lineage when it first spawns (its
 * children share it) or fails, not per spawn. In debug mode `stack` holds the JS frames
 * of the fiber's own spawn (installed by `Error.captureStackTrace`).
 */
export class Lineage {
  declare stack?: string;
  /** Ancestors kept, this one included. */
  readonly depth: number;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly parent: Lineage | null,
    /** Older ancestors were dropped to bound the chain. */
    readonly truncated = false,
  ) {
    this.depth = parent === null ? 1 : parent.depth + 1;
  }
}

/**
 * The Lineage of fiber `id`, spawned by `spawner`. A fiber that respawns itself forever must
 * not grow an endless chain: once it is 2 × SHOWN long, only the SHOWN nearest ancestors
 * are copied (one copy per SHOWN generations, so the cost per spawning fiber stays flat).
 */
export function childLineage(spawner: Lineage | null, id: number, name: string): Lineage {
  const kept = spawner !== null && spawner.depth >= 2 * SHOWN ? nearest(spawner, SHOWN) : spawner;
  return new Lineage(id, name, kept);
}

function nearest(chain: Lineage, count: number): Lineage {
  const older = chain.parent;
  if (older === null) return chain;
  if (count === 1) return new Lineage(chain.id, chain.name, null, true);
  return new Lineage(chain.id, chain.name, nearest(older, count - 1), chain.truncated);
}

/** `spawned by Fiber #2 "server" ← Fiber #1 "main"`, or `spawned outside any fiber`. */
export function describeSpawners(spawner: Lineage | null): string {
  if (spawner === null) return 'spawned outside any fiber';
  const names: string[] = [];
  let last = spawner;
  let chain: Lineage | null = spawner;
  for (; chain !== null && names.length < SHOWN; chain = chain.parent) {
    names.push(`Fiber #${chain.id} "${chain.name}"`);
    last = chain;
  }
  const more = chain !== null || last.truncated;
  return `spawned by ${names.join(' ← ')}${more ? ' ← …' : ''}`;
}
