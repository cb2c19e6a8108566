import type { Endpoint } from './endpoint';
import type { Resolver } from './services/cloudformation/intrinsics';
import { resourcesOfType, type ServiceTemplate } from './services/cloudformation/template';
import type { AccessControl } from './services/iam/accessControl';
import type { IamCatalog } from './services/iam/catalog';
import type { LocalFunction } from './services/lambda/runtime';

export interface Ports {
  endpoint: number;
  dynamodb: number;
  ses: number;
  fauxqs: number;
  standIns: number;
  cognito: number;
  smtp: number;
  /** The first port for AppSync APIs; each API takes the next one. */
  appSync: number;
  /** The first port for HTTP APIs; each API takes the next one. */
  httpApis: number;
}

/** Everything a module of the local cloud may use; modules add what they create to it. */
export interface CloudContext {
  root: string;
  region: string;
  ports: Ports;
  /** Where the account is kept between runs under --persist (see persistence.ts); undefined: nothing outlives the run. */
  persistDir?: string;
  templates: ServiceTemplate[];
  resolvers: Map<string, Resolver>;
  endpoint: Endpoint;
  /** The account's IAM: roles, resource policies, who signs with which key; decides every request. */
  iam: AccessControl;
  /** AWS's catalog of IAM actions, loaded for the services the local cloud serves. */
  catalog: IamCatalog;
  functions: FunctionRegistry;
  /** [real origin, local URL]: function environment values starting with the first get the second. */
  urlRewrites: Array<[string, string]>;
  /** URLs to print and to write into the state file, by name. */
  urls: Record<string, string>;
  /** What S3 does when an object lands in a bucket (its notifications); SES receiving stores objects too. */
  objectCreated?: (bucket: string, key: string, size: number, eTag: string, how: 'Put' | 'CompleteMultipartUpload' | 'Copy') => void;
  log(line: string): void;
}

/**
 * Creates one resource of a template, as CloudFormation's handler for its type would: registers its
 * name and attributes for intrinsics, and fails with AWS's error where AWS validates something at
 * creation. Resolving to 'not-mine' hands the resource to the next module that creates the type.
 */
export type Creator = (resource: TemplateResource, context: CloudContext) => Promise<unknown>;

/** What a module emulates of an AWS service: the README's coverage table is made of these (see coverage.ts). */
export interface ModuleCoverage {
  /** The AWS service as AWS names it; modules of one service share a row. */
  service: string;
  /** What answers for it: an emulator, or the local cloud itself. */
  by: string;
  /** The API operations it answers through the endpoint; the endpoint refuses any other at once as unknown. */
  operations?: readonly string[];
  /** What it delivers to functions or other services. */
  eventSources?: readonly string[];
  /** What a client of the service could expect and does not get locally. */
  notEmulated?: readonly string[];
}

/** A part of the local cloud, by AWS service: its emulator, the resource types it creates, the API it answers. */
export interface LocalModule {
  name: string;
  /** What it emulates, for the coverage table; an emulator process serving other modules has none. */
  coverage?: ModuleCoverage;
  /** The modules that must have started first (an emulator, the service it delivers to). */
  needs?: string[];
  /** An emulator needs nothing and starts side by side with the others (DynamoDB Local's Java takes longest). */
  emulator?: boolean;
  /** Starts what the module runs before any resource exists: an emulator, a listener, its API route. */
  start?(context: CloudContext): Promise<void>;
  /** Its resource types, created in CloudFormation's order (every resource after what it refers to). */
  creates?: Record<string, Creator>;
  /** Once every resource of every template exists. */
  started?(context: CloudContext): Promise<void>;
  stop?(): Promise<void>;
}

/** The local functions, found by their logical id within a service, by name or by ARN. */
export class FunctionRegistry {
  private readonly byKey = new Map<string, LocalFunction>();
  private readonly byName = new Map<string, LocalFunction>();

  add(fn: LocalFunction): void {
    this.byKey.set(`${fn.config.service}/${fn.config.logicalId}`, fn);
    this.byName.set(fn.config.name, fn);
    this.byName.set(fn.config.arn, fn);
  }

  get(service: string, logicalId: string): LocalFunction {
    const fn = this.byKey.get(`${service}/${logicalId}`);
    if (!fn) throw new Error(`${service} has no function ${logicalId}`);
    return fn;
  }

  /** By function name, ARN, or ARN with a qualifier. */
  find(nameOrArn: string): LocalFunction | undefined {
    return this.byName.get(nameOrArn) ?? this.byName.get(nameOrArn.replace(/:(\$LATEST|[A-Za-z0-9_-]+)$/, ''));
  }

  all(): LocalFunction[] {
    return [...this.byKey.values()];
  }
}

/** Resolves `{ "Fn::GetAtt": [<function>, "Arn"] }` (or a Ref) in a template to the local function. */
export function functionFromTarget(context: CloudContext, template: ServiceTemplate, target: unknown): LocalFunction {
  const arnOrName = context.resolvers.get(template.service)?.resolveString(target) ?? '';
  const fn = context.functions.find(arnOrName.replace(/\/invocations$/, '').replace(/^.*\/functions\//, ''));
  if (!fn) throw new Error(`${template.service}: no local function for ${JSON.stringify(target)}`);
  return fn;
}

/** One resource of a template, with the resolver of its service. */
export interface TemplateResource {
  template: ServiceTemplate;
  resolver: Resolver;
  logicalId: string;
  properties: Record<string, unknown>;
}

/** Every resource of a CloudFormation type, across all services. */
export function resourcesAcross(context: CloudContext, type: string): TemplateResource[] {
  return context.templates.flatMap((template) => {
    const resolver = context.resolvers.get(template.service);
    if (!resolver) return [];
    return resourcesOfType(template, type).map(([logicalId, resource]) => ({ template, resolver, logicalId, properties: resource.Properties }));
  });
}

/** A resource of a template as a module creates it, with its resolver. */
export function templateResource(context: CloudContext, template: ServiceTemplate, logicalId: string): TemplateResource {
  const resolver = context.resolvers.get(template.service);
  if (!resolver) throw new Error(`${template.service} has no resolver`);
  return { template, resolver, logicalId, properties: template.resources[logicalId]?.Properties ?? {} };
}
