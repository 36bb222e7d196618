/**
 * Counter items (usage, provider stats): an update that ADDs each counter the domain computed, and the counters
 * read back out of an item. Counter names hold `#`, so every one goes through an attribute name placeholder.
 */
import type { Counters } from '../../domain/usage/counters';

/** `ADD #c0 :c0, #c1 :c1, …` with its names and values. */
export function counterAdds(counters: Counters): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, number>;
} {
  const entries = Object.entries(counters);
  return {
    UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
    ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:c${i}`, value])),
  };
}

const KEY_ATTRIBUTES = new Set(['PK', 'SK']);

/** The numeric attributes of an item, its keys left out. */
export function countersOf(item: Record<string, unknown>): Counters {
  const counters: Counters = {};
  for (const [name, value] of Object.entries(item)) {
    if (!KEY_ATTRIBUTES.has(name) && typeof value === 'number') counters[name] = value;
  }
  return counters;
}
