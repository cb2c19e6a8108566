// One list of fields in three places: the schema's Query and Mutation fields, the function's resolver
// map, and the resolvers the framework compiled into the template (run `npm run package` first; the
// test command does). Access in the resolver map says what the schema's directives say.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { buildSchema, type ConstDirectiveNode, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { resolvers } from '../../src/graphql/resolvers';

const service = new URL('../../', import.meta.url);
// AppSync's own directives, declared as AppSync declares them, so the schema builds outside AppSync.
const APPSYNC = `
  directive @aws_api_key on FIELD_DEFINITION | OBJECT
  directive @aws_cognito_user_pools(cognito_groups: [String]) on FIELD_DEFINITION | OBJECT
  scalar AWSEmail
  scalar AWSDateTime
`;
const schema = buildSchema(APPSYNC + readFileSync(new URL('schema.graphql', service), 'utf8'));
const template = JSON.parse(readFileSync(new URL('.serverless/cloudformation-template-update-stack.json', service), 'utf8')) as {
  Resources: Record<string, { Type: string; Properties: { TypeName: string; FieldName: string } }>;
};

const rootFields = () =>
  (['Query', 'Mutation'] as const).flatMap((type) =>
    Object.values((schema.getType(type) as GraphQLObjectType).getFields()).map((field) => ({ name: `${type}.${field.name}`, field })),
  );
const directive = (field: GraphQLField<unknown, unknown>, name: string): ConstDirectiveNode | undefined =>
  field.astNode?.directives?.find((found) => found.name.value === name);
const groupsOf = (field: GraphQLField<unknown, unknown>) => {
  const value = directive(field, 'aws_cognito_user_pools')?.arguments?.[0]?.value;
  return value?.kind === 'ListValue' ? value.values.map((group) => (group.kind === 'StringValue' ? group.value : '')).sort() : [];
};

describe('the GraphQL fields', () => {
  it('are one set in the schema, the resolver map and the compiled template', () => {
    const inSchema = rootFields()
      .map(({ name }) => name)
      .sort();
    const compiled = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::AppSync::Resolver')
      .map(({ Properties }) => `${Properties.TypeName}.${Properties.FieldName}`)
      .sort();
    expect(Object.keys(resolvers).sort()).toEqual(inSchema);
    expect(compiled).toEqual(inSchema);
  });

  it('are public in the resolver map exactly where the schema lets the API key in', () => {
    const withKey = rootFields()
      .filter(({ field }) => directive(field, 'aws_api_key'))
      .map(({ name }) => name);
    const declaredPublic = Object.entries(resolvers)
      .filter(([, resolver]) => resolver.access.kind === 'public')
      .map(([name]) => name);
    expect(declaredPublic).toEqual(withKey);
    expect(withKey).toEqual(['Query.profile']);
  });

  it("declare the groups the schema's @aws_cognito_user_pools names", () => {
    for (const { name, field } of rootFields()) {
      const { access } = resolvers[name as keyof typeof resolvers] ?? {};
      const declared = access?.kind === 'active' ? [...access.groups].sort() : [];
      expect({ name, groups: declared }).toEqual({ name, groups: groupsOf(field) });
    }
  });
});
