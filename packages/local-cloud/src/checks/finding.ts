/** One problem a check found in a compiled template, located as cfn-lint locates its own. */
export interface Finding {
  service: string;
  /** Which check: AWS's linter, the IAM catalog, or CloudFormation's creation order. */
  check: 'cfn-lint' | 'iam' | 'dependencies';
  /** The rule: cfn-lint's id (E3031), or ours (IAM-ACTION, DEPENDENCY...). */
  rule: string;
  level: 'error' | 'warning';
  /** The resource's logical id, when the finding is about one. */
  resource?: string;
  /** Where in the template: Resources/<id>/Properties/... */
  path: string;
  message: string;
}

/** One line a person can act on: service, resource, rule, what and where. */
export function describeFinding(finding: Finding): string {
  return `${finding.service}: ${finding.resource ?? finding.path.split('/')[0]}: ${finding.rule} ${finding.message} (${finding.path})`;
}
