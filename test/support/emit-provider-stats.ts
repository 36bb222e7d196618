/**
 * Adds one finish's stats for `hunter` and for the cache through `observeProviderStats`, as the finish does, and
 * prints the EMF Powertools writes and then the adds that reached the store (`{"added": …}`), one per line.
 */
import { observeProviderStats } from '../../functions/handlers/observability';

const added: string[] = [];
const stats = observeProviderStats(
  { add: async (provider) => void added.push(provider) },
  { hunter: { email: { usd: 0.0149, per: 'find' } } },
);

void (async () => {
  await stats.add('hunter', '2026-12-01', '3', { 'calls#email': 2, 'found#email': 1, 'not_found#email': 1 });
  await stats.add('cache', '2026-12-01', '3', { 'calls#email': 1, 'found#email': 1 });
  console.log(JSON.stringify({ added }));
})();
