import type { Mailer, SendQueue, SendRow, SendUpdate } from './ports.ts';

export interface ReconcileDeps {
  queue: Pick<SendQueue, 'leased' | 'takeOver' | 'settle'>;
  mailer: Pick<Mailer, 'accepted'>;
  now: () => number;
  owner: string;
  leaseMs: number;
  /** Whether a lease owner is known to be gone (a process of this host that no longer runs); unknown owners wait for their lease to end. */
  ownerGone: (owner: string) => boolean;
}

/** Rows looked at per round. */
const ROUND = 1000;

/**
 * Rows that a sender left leased when it died (or stopped renewing): taken over by compare-and-set
 * on the old owner, so that two reconcilers never both take one, and then:
 * - `rendering`: nothing was handed to a transport yet: back to the queue;
 * - `sending`: the transport may have the message. A transport that keeps a record (the outbox)
 *   says which it has: those are `sent`, the others go back to the queue. SMTP keeps none we can
 *   ask, and the reply to the final dot of DATA may have been lost after the server took the
 *   message (RFC 1047). Such a row is sent again, flagged `in_doubt`, with the same Message-ID, so
 *   the worst case is one duplicate delivery of the same message, which receivers that collapse
 *   repeated Message-IDs show once; never a message lost and never two different ones. The window
 *   is one group of `concurrency` messages per crash (sender.ts marks them `sending` together).
 * Returns how many rows it took over.
 */
export async function reconcile(d: ReconcileDeps): Promise<number> {
  const now = d.now();
  const stale = (await d.queue.leased(ROUND)).filter((r) => r.leaseOwner !== d.owner
    && (r.leaseUntil === null || r.leaseUntil < now || (r.leaseOwner !== null && d.ownerGone(r.leaseOwner))));
  if (!stale.length) return 0;
  const taken = new Set(await d.queue.takeOver(stale.map((r) => ({ id: r.id, owner: r.leaseOwner })), d.owner, now + d.leaseMs, now));
  const rows = stale.filter((r) => taken.has(r.id));
  const sending = rows.filter((r) => r.state === 'sending');
  const known = sending.length ? await d.mailer.accepted(sending.map((r) => r.messageId)) : new Set<string>();
  const updates: SendUpdate[] = rows.map((r: SendRow): SendUpdate => {
    if (r.state !== 'sending') return { id: r.id, state: 'queued' };
    if (known === null) {
      return { id: r.id, state: 'queued', dueAt: now, inDoubt: true,
        detail: 'in doubt: the sender stopped during the SMTP transaction; sent again with the same Message-ID (RFC 1047)' };
    }
    return known.has(r.messageId)
      ? { id: r.id, state: 'sent', sentAt: now, response: 'reconciled: the transport had it', reason: null, detail: null }
      : { id: r.id, state: 'queued', dueAt: now };
  });
  await d.queue.settle(d.owner, updates, now);
  return rows.length;
}
