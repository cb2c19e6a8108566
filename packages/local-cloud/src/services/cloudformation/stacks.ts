import { type CloudContext, type LocalModule, templateResource } from '../../context';
import { creationOrder } from './dependencies';
import type { ServiceTemplate } from './template';

/** Resource types the local cloud leaves to AWS, each with why that changes nothing locally. */
const NOT_CREATED: Record<string, string> = {
  'AWS::Logs::LogGroup': "functions log to the local cloud's output",
};

/** One service's resources, in CloudFormation's order, each by the module that creates its type. */
export async function createStack(context: CloudContext, modules: LocalModule[], template: ServiceTemplate): Promise<void> {
  for (const logicalId of creationOrder(template.resources)) {
    const type = template.resources[logicalId]?.Type ?? '';
    if (NOT_CREATED[type]) continue;
    const creators = modules.flatMap((module) => (module.creates?.[type] ? [module.creates[type]] : []));
    if (!creators.length) throw new Error(`${template.service}: the local cloud cannot create ${logicalId} (${type}): no module emulates ${type}`);
    try {
      let created = false;
      for (const create of creators) {
        if ((await create(templateResource(context, template, logicalId), context)) !== 'not-mine') {
          created = true;
          break;
        }
      }
      if (!created) throw new Error(`no module emulates this kind of ${type}`);
    } catch (error) {
      // CloudFormation's words for a resource its handler refused, then AWS's reason.
      throw new Error(`${template.service}: CREATE_FAILED ${logicalId} (${type}): ${(error as Error).message}`);
    }
  }
  const resolver = context.resolvers.get(template.service);
  // Outputs must resolve to strings, as CloudFormation requires (two outputs merged into one do not).
  for (const [name, output] of Object.entries(template.outputs)) {
    try {
      resolver?.resolveString(output.Value);
    } catch (error) {
      throw new Error(`${template.service}: Template format error: Output ${name}: ${(error as Error).message}`);
    }
  }
}
