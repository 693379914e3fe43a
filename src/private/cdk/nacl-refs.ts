/**
 * NACLs as the stages see them (`NaclRef`), and the trap of aws-cdk-lib that naming them must step around: a subnet
 * of a `new ec2.Vpc` without a NACL of its own names the VPC's default NACL by a token of its own.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { isNewVpc } from './construct-kinds';
import { ValueIdentity } from './value-identity';
import { NaclRef } from '../stage-types';

/** A NaclRef for a NACL id, named as seen from `scope`'s stack. */
export function naclRef(networkAclId: string, scope: IConstruct): NaclRef {
  const identity = ValueIdentity.of(scope);
  const vpc = vpcOfDefaultAclToken(networkAclId, identity);
  const id = vpc ? vpc.vpcDefaultNetworkAcl : networkAclId;
  const reference = identity.referenceOf(id);
  const owner = reference?.displayName === 'DefaultNetworkAcl' ? reference.target.node.scope : undefined;
  return {
    key: identity.identity(id),
    networkAclId: id,
    name: identity.name(id),
    isVpcDefault: isNewVpc(owner),
    imported: !reference,
    defaultOf: isNewVpc(owner) ? owner : undefined,
  };
}

/** The key of a NACL id (`naclRef(…).key`): equal for two ids exactly when they name the same NACL. */
export function naclKey(networkAclId: string, scope: IConstruct): string {
  return naclRef(networkAclId, scope).key;
}

/** The id of the VPC's default NACL, when the VPC is one this app creates (`vpcDefaultNetworkAcl` is on `ec2.Vpc`). */
export function defaultNetworkAclId(vpc: ec2.IVpc): string | undefined {
  const id = (vpc as Partial<ec2.Vpc>).vpcDefaultNetworkAcl;
  return typeof id === 'string' ? id : undefined;
}

/**
 * For a subnet of a `new ec2.Vpc` that has no NACL of its own, `subnet.networkAcl.networkAclId` is
 * `Fn::GetAtt [<that subnet>, NetworkAclAssociationId]`: a different token for every subnet, all naming the one
 * default NACL of the VPC. Returns that VPC when the id is such a token.
 */
function vpcOfDefaultAclToken(networkAclId: string, identity: ValueIdentity): ec2.Vpc | undefined {
  const reference = identity.referenceOf(networkAclId);
  if (reference?.displayName !== 'NetworkAclAssociationId') {
    return undefined;
  }
  const vpc = reference.target.node.scope?.node.scope;
  return isNewVpc(vpc) ? vpc : undefined;
}
