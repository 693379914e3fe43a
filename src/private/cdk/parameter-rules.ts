/**
 * CloudFormation `Rules` for external CIDR blocks given as `CfnParameter`s: checked before the deploy changes anything,
 * so that a value of `0.0.0.0/0` (a deny of everything in the NACL, a route to the peer for all traffic) or the VPC's
 * own block never reaches a resource. Rules compare whole values only; the accepter checks the rest at deploy time
 * (prefix length, overlap with the VPC, the requester's blocks).
 */
import { CfnParameter, CfnRule, Fn, Stack, Token } from 'aws-cdk-lib';
import { CfnVPC, IVpc } from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { ExternalCidr } from '../plan/types';

/** The values no external block may take, whatever the VPC. */
const NEVER = ['0.0.0.0/0', '::/0'];

export function guardParameterBlocks(scope: IConstruct, blocks: ExternalCidr[], vpc: IVpc): void {
  const stack = Stack.of(scope);
  for (const block of blocks.filter(b => Token.isUnresolved(b.cidr))) {
    const ref = (stack.resolve(block.cidr) as { Ref?: unknown } | undefined)?.Ref;
    const parameter = typeof ref === 'string'
      ? stack.node.findAll().find((c): c is CfnParameter => c instanceof CfnParameter && stack.resolve(c.logicalId) === ref)
      : undefined;
    const id = `VpcPeeringExternalBlock${ref}`;
    if (!parameter || stack.node.tryFindChild(id)) continue;
    const own = literalCidrOf(vpc);
    const forbidden = [...NEVER, ...(own ? [own] : [])];
    new CfnRule(stack, id, {
      assertions: [{
        assert: Fn.conditionNot(Fn.conditionContains(forbidden, parameter.valueAsString)),
        assertDescription: `${ref} is an external CIDR block of a VPC peering: it must be the external VPC's block, not ` +
          `${forbidden.join(', ')} (every address, or this VPC's own block)`,
      }],
    });
  }
}

/** The VPC's primary block when the app knows it as a literal (an imported VPC may not have been given one). */
function literalCidrOf(vpc: IVpc): string | undefined {
  const made = vpc.node.defaultChild;
  if (made instanceof CfnVPC) {
    return typeof made.cidrBlock === 'string' && !Token.isUnresolved(made.cidrBlock) ? made.cidrBlock : undefined;
  }
  try {
    return Token.isUnresolved(vpc.vpcCidrBlock) ? undefined : vpc.vpcCidrBlock;
  } catch {
    return undefined; // an imported VPC given no CIDR block
  }
}
