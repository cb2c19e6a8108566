import { describeStatically, NAME_PROPERTY, physicalName } from './physical';
import type { ServiceTemplate } from './template';

export const ACCOUNT_ID = '000000000000';

/** `Ref: AWS::NoValue`: the property (or list item) is left out, as if never written. */
const NO_VALUE = Symbol('AWS::NoValue');

/** What a resource resolves to locally: its Ref value and its GetAtt attributes. */
export interface LocalResource {
  ref: string;
  attributes: Record<string, string>;
}

/**
 * Resolves CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split,
 * Fn::If with AWS::NoValue) against the local names and ARNs the local cloud gave each resource.
 */
export class Resolver {
  private readonly resources = new Map<string, LocalResource>();

  constructor(
    readonly template: ServiceTemplate,
    readonly region: string,
  ) {}

  /** Modules register what they created, so later lookups give local names and URLs. */
  register(logicalId: string, resource: LocalResource): void {
    this.resources.set(logicalId, resource);
  }

  get pseudo(): Record<string, string> {
    return {
      'AWS::Region': this.region,
      'AWS::AccountId': ACCOUNT_ID,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': `${this.template.service}-${this.template.stage}`,
    };
  }

  ref(logicalId: string): string {
    const pseudo = this.pseudo[logicalId];
    if (pseudo !== undefined) return pseudo;
    const parameter = this.template.parameters?.[logicalId];
    if (parameter !== undefined) return parameter;
    if (!this.template.resources[logicalId]) throw new Error(`${this.template.service}: Ref to unknown resource ${logicalId}`);
    return this.describe(logicalId)?.ref ?? logicalId;
  }

  getAtt(logicalId: string, attribute: string): string {
    const type = this.template.resources[logicalId]?.Type;
    if (!type) throw new Error(`${this.template.service}: Fn::GetAtt on unknown resource ${logicalId}`);
    const value = this.describe(logicalId)?.attributes[attribute];
    if (value !== undefined) return value;
    throw new Error(`${this.template.service}: the local cloud cannot resolve ${logicalId}.${attribute} (${type})`);
  }

  /** What a module registered for the resource, else what its template alone says (its name and ARNs). */
  describe(logicalId: string): LocalResource | undefined {
    const known = this.resources.get(logicalId);
    if (known) return known;
    const resource = this.template.resources[logicalId];
    return resource && describeStatically(resource.Type, this.naming(logicalId));
  }

  /** The resource's name: the template's, else the one CloudFormation makes from the stack and logical id. */
  physicalName(logicalId: string): string {
    return physicalName(this.naming(logicalId), this.template.resources[logicalId]?.Type ?? '');
  }

  private naming(logicalId: string) {
    const resource = this.template.resources[logicalId];
    const p = resource?.Properties ?? {};
    // Only the properties names are made of: the rest may refer to what is not resolvable yet.
    const keys = [NAME_PROPERTY[resource?.Type ?? ''], 'StreamSpecification', 'Path', 'ClientName', 'GroupName', 'Rule'].filter(
      (key): key is string => key !== undefined && key in p,
    );
    const properties = Object.fromEntries(keys.map((key) => [key, this.resolve(p[key])]));
    return { region: this.region, account: ACCOUNT_ID, stackName: this.pseudo['AWS::StackName'] ?? '', logicalId, properties };
  }

  resolve(value: unknown): unknown {
    const resolved = this.resolveValue(value);
    if (resolved === NO_VALUE) throw new Error(`${this.template.service}: AWS::NoValue where a value is needed`);
    return resolved;
  }

  private resolveValue(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolveValue(item)).filter((item) => item !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [fn, arg] = entries[0] ?? [];
    const intrinsic = entries.find(([key]) => key === 'Ref' || key.startsWith('Fn::'));
    // CloudFormation refuses an intrinsic function beside other keys (two outputs merged into one, say).
    if (intrinsic && entries.length > 1) {
      throw new Error(`${this.template.service}: ${intrinsic[0]} must be the only key of its object, not one of ${entries.map(([key]) => key).join(', ')}`);
    }
    if (entries.length === 1 && fn !== undefined) {
      switch (fn) {
        case 'Ref':
          return arg === 'AWS::NoValue' ? NO_VALUE : this.ref(arg as string);
        case 'Fn::If': {
          const [name, whenTrue, whenFalse] = arg as [string, unknown, unknown];
          const holds = this.template.conditions?.[name];
          if (holds === undefined) throw new Error(`${this.template.service}: Fn::If names the unknown condition ${name}`);
          return this.resolveValue(holds ? whenTrue : whenFalse);
        }
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/);
          return this.getAtt(String(id), String(attribute));
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number, unknown];
          return (this.resolve(list) as unknown[])[Number(this.resolve(index))];
        }
        case 'Fn::Split': {
          const [separator, text] = arg as [string, unknown];
          return String(this.resolve(text)).split(separator);
        }
        case 'Fn::Sub':
          return this.sub(arg);
        default:
          if (fn.startsWith('Fn::')) throw new Error(`${this.template.service}: the local cloud cannot resolve ${fn}`);
      }
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolveValue(item)]).filter(([, item]) => item !== NO_VALUE));
  }

  resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string' && typeof resolved !== 'number' && typeof resolved !== 'boolean') {
      throw new Error(`${this.template.service}: expected a string, got ${JSON.stringify(resolved)}`);
    }
    return String(resolved);
  }

  private sub(arg: unknown): string {
    const [text, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [arg as string, {}];
    return text.replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      if (name in variables) return this.resolveString(variables[name]);
      const [id, attribute] = name.split(/\.(.*)/);
      return attribute ? this.getAtt(id ?? name, attribute) : this.ref(name);
    });
  }
}
