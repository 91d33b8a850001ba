import type { CancelListener, Cancelled } from '@spindle/core-context';

/** What a CancelLink tells: a wait that gives up with the token's reason. */
export interface CancelTarget {
  giveUp(reason: Cancelled): void;
}

/**
 * A shared wait's node in its token's listeners: its own links belong to its Relay role,
 * so a wait with a token allocates this one link.
 */
export class CancelLink implements CancelListener {
  next: CancelListener | null = null;
  prev: CancelListener | null = null;
  owner: object | null = null;

  constructor(private readonly target: CancelTarget) {}

  onCancel(reason: Cancelled): void {
    this.target.giveUp(reason);
  }
}
