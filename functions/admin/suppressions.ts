/**
 * Operator use cases on the deployment-wide suppression list (README "Personal data"): what
 * `npm run admin -- suppressions add|remove|list` runs against the deployed table or the local stack's.
 */
import type { Clock } from '../domain/clock';
import type { SuppressionListRepository } from '../domain/ports/suppression';
import {
  InvalidSuppressionError,
  normaliseSuppression,
  SuppressionNotFoundError,
  type SuppressionKind,
} from '../domain/privacy/suppression-list';

export class SuppressionAdministration {
  constructor(
    private readonly suppressions: SuppressionListRepository,
    private readonly clock: Clock,
  ) {}

  /** Lists a value, normalised as requests are; adding a listed value again keeps the first entry. */
  async add(kind: SuppressionKind, input: string, by: string) {
    const { entry, added } = await this.suppressions.add({
      kind,
      value: this.normalised(kind, input),
      added_at: this.clock.now().toISOString(),
      added_by: by,
    });
    return { ...entry, status: added ? 'added' : 'already_listed' };
  }

  async remove(kind: SuppressionKind, input: string) {
    const value = this.normalised(kind, input);
    if (!(await this.suppressions.remove(kind, value))) throw new SuppressionNotFoundError(kind, value);
    return { kind, value, status: 'removed' };
  }

  async list() {
    const suppressions = await this.suppressions.list();
    return { count: suppressions.length, suppressions };
  }

  private normalised(kind: SuppressionKind, input: string): string {
    const value = normaliseSuppression(kind, input);
    if (value === undefined) throw new InvalidSuppressionError(kind, input);
    return value;
  }
}
