/**
 * Managed event subscriptions (the ManagedEventSubscription records a real org keeps in Tooling/Metadata API): a developer
 * name, an id, a topic, where a first subscribe starts, and the replay id the client last committed — kept per
 * subscription, so a new ManagedSubscribe stream resumes after it.
 */
import { makeId } from '../org/ids';

/** One managed subscription. */
export type ManagedSubscription = {
  id: string;
  developerName: string;
  topicName: string;
  /** Where a subscription with no commit starts ([DOC] LATEST or EARLIEST). */
  defaultReplay: 'LATEST' | 'EARLIEST';
  /** The last committed log position, if any. */
  committed: number | undefined;
};

/** What the admin gives to add one. */
export type ManagedSubscriptionInput = { developerName: string; topicName: string; defaultReplay?: 'LATEST' | 'EARLIEST' };

/** The org's managed subscriptions. */
export interface ManagedSubscriptions {
  add(input: ManagedSubscriptionInput): ManagedSubscription;
  /** By id or developer name. */
  find(idOrName: string): ManagedSubscription | undefined;
  list(): ManagedSubscription[];
  clear(): void;
}

/** Creates the registry (in memory; it is reset with the org). */
export function createManagedSubscriptions(): ManagedSubscriptions {
  const byId = new Map<string, ManagedSubscription>();
  let counter = 0;
  return {
    add(input) {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(input.developerName)) throw new Error(`"developerName" must start with a letter and hold only letters, digits and underscores, got ${JSON.stringify(input.developerName)}.`);
      if ([...byId.values()].some((s) => s.developerName.toLowerCase() === input.developerName.toLowerCase())) throw new Error(`A managed subscription named ${input.developerName} exists already.`);
      counter += 1;
      // [INF] key prefix of ManagedEventSubscription ids.
      const sub: ManagedSubscription = { id: makeId('18x', 77_000 + counter), developerName: input.developerName, topicName: input.topicName, defaultReplay: input.defaultReplay ?? 'LATEST', committed: undefined };
      byId.set(sub.id, sub);
      return sub;
    },
    find(idOrName) {
      const direct = byId.get(idOrName) ?? [...byId.values()].find((s) => s.id.slice(0, 15) === idOrName);
      return direct ?? [...byId.values()].find((s) => s.developerName.toLowerCase() === idOrName.toLowerCase());
    },
    list: () => [...byId.values()],
    clear() {
      byId.clear();
    },
  };
}
