/**
 * The allow-all entries the integ apps write into their own NACLs, standing in for what a NACL made by hand usually
 * holds (like the default NACL's rule 100). They trip cfn-guard's EC2_NETWORK_ACL_PROTOCOL_RULE (cfn_nag W66), as any
 * allow-all does; the scanner test (test/scanners/) wants every finding on a shipped template explained where
 * reviewers look, so they carry the suppression with this reason.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';

const REASON =
  'Test fixture: stands in for the allow-all rule a hand-made NACL usually holds (like the default NACL\'s rule 100), ' +
  'which the peering rules are numbered below.';

/** Adds the W66 / EC2_NETWORK_ACL_PROTOCOL_RULE suppression to an allow-all entry of an integ app. */
export function explainStandInAllowAll(entry: ec2.NetworkAclEntry): void {
  const resource = entry.node.defaultChild as ec2.CfnNetworkAclEntry;
  resource.addMetadata('cfn_nag', { rules_to_suppress: [{ id: 'W66', reason: REASON }] });
  resource.addMetadata('guard', { SuppressedRules: ['EC2_NETWORK_ACL_PROTOCOL_RULE'] });
}
