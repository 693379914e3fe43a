/**
 * Recognising the app's constructs by what they are in CloudFormation (`cfnResourceType`) rather than by
 * `instanceof`, which fails when the app and this library load two copies of aws-cdk-lib (a monorepo with two
 * installs, a test runner's isolated modules). aws-cdk-lib's own `CfnResource.isCfnResource` works across copies.
 */
import { CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/** Whether `c` is an L1 resource of the given CloudFormation type. */
export function isCfn<T extends CfnResource>(c: IConstruct | undefined, type: string): c is T {
  return !!c && CfnResource.isCfnResource(c) && c.cfnResourceType === type;
}

/** A VPC this app creates (`new ec2.Vpc`): it exposes its default NACL. */
export function isNewVpc(c: IConstruct | undefined): c is ec2.Vpc {
  return !!c && isCfn(c.node.defaultChild, 'AWS::EC2::VPC') && typeof (c as Partial<ec2.Vpc>).vpcDefaultNetworkAcl === 'string';
}

/** A subnet this app creates (`ec2.Subnet`, as a `new ec2.Vpc` makes them). */
export function isNewSubnet(c: IConstruct | undefined): c is ec2.Subnet {
  return !!c && isCfn(c.node.defaultChild, 'AWS::EC2::Subnet');
}
