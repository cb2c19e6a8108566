/** The scalars and directives AppSync defines for every schema, so a schema written for AppSync builds here. */
export const APPSYNC_DEFINITIONS = `
scalar AWSDate
scalar AWSTime
scalar AWSDateTime
scalar AWSTimestamp
scalar AWSEmail
scalar AWSJSON
scalar AWSURL
scalar AWSPhone
scalar AWSIPAddress
directive @aws_cognito_user_pools(cognito_groups: [String]) on OBJECT | FIELD_DEFINITION | INTERFACE | UNION
directive @aws_api_key on OBJECT | FIELD_DEFINITION | INTERFACE | UNION
directive @aws_iam on OBJECT | FIELD_DEFINITION | INTERFACE | UNION
directive @aws_oidc on OBJECT | FIELD_DEFINITION | INTERFACE | UNION
directive @aws_lambda on OBJECT | FIELD_DEFINITION | INTERFACE | UNION
directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION
directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION
`;
