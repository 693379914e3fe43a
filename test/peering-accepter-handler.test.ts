import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  AcceptVpcPeeringConnectionCommand, DeleteVpcPeeringConnectionCommand, DescribeVpcPeeringConnectionsCommand, EC2Client,
  ModifyVpcPeeringConnectionOptionsCommand, RejectVpcPeeringConnectionCommand, VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { CustomResourceEvent, onEvent } from '../src/handlers/peering-accepter';

const PCX = 'pcx-0123456789abcdef0';
const OUR_VPC = 'vpc-0a1b2c3d4e5f60718';
const THEIR_VPC = 'vpc-0fedcba9876543210';
const THEIR_ACCOUNT = '210987654321';

const ec2 = mockClient(EC2Client);
const client = new EC2Client({ region: 'us-east-1' });
const cfn = mockClient(CloudFormationClient);
const cfnClient = new CloudFormationClient({ region: 'us-east-1' });
const FAST = { pollIntervalMs: 0, maxPolls: 5 };
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/App/0a1b';

beforeEach(() => {
  ec2.reset();
  cfn.reset();
});

function pcx(status: string, overrides: Partial<VpcPeeringConnection> = {}): VpcPeeringConnection {
  return {
    VpcPeeringConnectionId: PCX,
    Status: { Code: status as any, Message: `${status} message` },
    AccepterVpcInfo: { VpcId: OUR_VPC, OwnerId: '123456789012' },
    RequesterVpcInfo: { VpcId: THEIR_VPC, OwnerId: THEIR_ACCOUNT, CidrBlock: '10.200.0.0/16' },
    ...overrides,
  };
}
function describes(...states: VpcPeeringConnection[]) {
  const stub = ec2.on(DescribeVpcPeeringConnectionsCommand, { VpcPeeringConnectionIds: [PCX] });
  states.forEach(s => stub.resolvesOnce({ VpcPeeringConnections: [s] }));
}
function event(type: string, requestType: 'Create' | 'Update' | 'Delete', props: Record<string, unknown> = {},
  physical?: string): CustomResourceEvent {
  return {
    RequestType: requestType,
    ResourceType: type,
    ResourceProperties: { VpcPeeringConnectionId: PCX, AccepterVpcId: OUR_VPC, ...props },
    PhysicalResourceId: physical,
    StackId: STACK_ID,
  };
}
const acceptance = (rt: 'Create' | 'Update' | 'Delete', props: Record<string, unknown> = { Accept: 'true' }, physical?: string) =>
  event('Custom::VpcPeeringAcceptance', rt, props, physical);
const dns = (rt: 'Create' | 'Update' | 'Delete', physical?: string) => event('Custom::VpcPeeringDnsResolution', rt, {}, physical);

describe('acceptance', () => {
  test.each(['Create', 'Update'] as const)('%s: a pending request is accepted, then read until active', async (rt) => {
    describes(pcx('pending-acceptance'), pcx('provisioning'), pcx('active'));
    ec2.on(AcceptVpcPeeringConnectionCommand).resolves({});
    const result = await onEvent(acceptance(rt), client, FAST);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand).map(c => c.args[0].input)).toEqual([{ VpcPeeringConnectionId: PCX }]);
    expect(ec2.commandCalls(DescribeVpcPeeringConnectionsCommand)).toHaveLength(3);
    // The physical id says this resource accepted it: a rollback of its creation undoes that.
    expect(result).toEqual({
      PhysicalResourceId: `${PCX}:accepted`,
      Data: { RequesterAccountId: THEIR_ACCOUNT, RequesterVpcId: THEIR_VPC, RequesterCidrBlock: '10.200.0.0/16' },
    });
  });

  test('an active connection succeeds without a call', async () => {
    describes(pcx('active'));
    const result = await onEvent(acceptance('Create'), client, FAST);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
    expect(result.PhysicalResourceId).toBe(PCX);
  });

  test.each(['expired', 'rejected', 'failed', 'deleted', 'deleting'])('a request that is %s fails with its status, without a call', async (status) => {
    describes(pcx(status));
    await expect(onEvent(acceptance('Create'), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} is ${status} (${status} message): ask the requester for a new request`);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test('a request for another VPC fails, without a call', async () => {
    describes(pcx('pending-acceptance', { AccepterVpcInfo: { VpcId: 'vpc-0bbbbbbbbbbbbbbb1' } }));
    await expect(onEvent(acceptance('Create'), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} is not for this VPC: its accepter VPC is vpc-0bbbbbbbbbbbbbbb1, not ${OUR_VPC}`);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test('a request from another account than the expected one fails, without a call', async () => {
    describes(pcx('pending-acceptance'));
    await expect(onEvent(acceptance('Create', { Accept: 'true', ExpectedRequesterAccountId: '111122223333' }), client, FAST))
      .rejects.toThrow(`VPC peering connection ${PCX} was requested by account ${THEIR_ACCOUNT}, not by the expected requester account 111122223333`);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test('a request from another VPC than the expected one fails, without a call', async () => {
    describes(pcx('pending-acceptance'));
    const props = { Accept: 'true', ExpectedRequesterAccountId: THEIR_ACCOUNT, ExpectedRequesterVpcId: 'vpc-0ccccccccccccccc1' };
    await expect(onEvent(acceptance('Create', props), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} was requested from VPC ${THEIR_VPC}, not from the expected requester VPC vpc-0ccccccccccccccc1`);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test('a request from the expected account and VPC is accepted', async () => {
    describes(pcx('pending-acceptance'), pcx('active'));
    ec2.on(AcceptVpcPeeringConnectionCommand).resolves({});
    const props = { Accept: 'true', ExpectedRequesterAccountId: THEIR_ACCOUNT, ExpectedRequesterVpcId: THEIR_VPC };
    await onEvent(acceptance('Create', props), client, FAST);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(1);
  });

  test('an unknown connection fails with "not found"', async () => {
    const notFound = Object.assign(new Error('The vpcPeeringConnection ID does not exist'), { name: 'InvalidVpcPeeringConnectionID.NotFound' });
    ec2.on(DescribeVpcPeeringConnectionsCommand).rejects(notFound);
    await expect(onEvent(acceptance('Create'), client, FAST)).rejects.toThrow(`VPC peering connection ${PCX} not found in this account and region`);
  });

  test('another error of the describe call is not hidden', async () => {
    ec2.on(DescribeVpcPeeringConnectionsCommand).rejects(Object.assign(new Error('no'), { name: 'UnauthorizedOperation' }));
    await expect(onEvent(acceptance('Create'), client, FAST)).rejects.toThrow('no');
  });

  test('a connection that fails after its acceptance fails the resource', async () => {
    describes(pcx('pending-acceptance'), pcx('failed'));
    ec2.on(AcceptVpcPeeringConnectionCommand).resolves({});
    await expect(onEvent(acceptance('Create'), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} is failed (failed message) after its acceptance`);
  });

  test('a connection that stays provisioning fails after the last read', async () => {
    describes(pcx('pending-acceptance'), ...Array(5).fill(pcx('provisioning')));
    ec2.on(AcceptVpcPeeringConnectionCommand).resolves({});
    await expect(onEvent(acceptance('Create'), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} is still provisioning after 5 reads, 0 ms apart`);
  });

  test('with Accept false, a pending request fails and is not accepted', async () => {
    describes(pcx('pending-acceptance'));
    await expect(onEvent(acceptance('Create', { Accept: 'false' }), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} is pending acceptance: accept it, or set acceptPeeringConnection`);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test('with Accept false, an active connection from the expected requester succeeds', async () => {
    describes(pcx('active'));
    const result = await onEvent(acceptance('Create', { Accept: 'false', ExpectedRequesterAccountId: THEIR_ACCOUNT }), client, FAST);
    expect(result.PhysicalResourceId).toBe(PCX);
  });

  test('an Update of the same connection keeps its physical id, whatever it finds', async () => {
    describes(pcx('active'));
    const result = await onEvent(acceptance('Update', { Accept: 'true' }, `${PCX}:accepted`), client, FAST);
    expect(result.PhysicalResourceId).toBe(`${PCX}:accepted`);
  });

  test('an Update to another connection is a new physical id (CloudFormation deletes the old one at cleanup)', async () => {
    describes(pcx('active'));
    const result = await onEvent(acceptance('Update', { Accept: 'true' }, 'pcx-0aaaaaaaaaaaaaaa1:accepted'), client, FAST);
    expect(result.PhysicalResourceId).toBe(PCX);
  });
});

describe('acceptance: Delete', () => {
  const stackStatus = (status: string) => cfn.on(DescribeStacksCommand, { StackName: STACK_ID })
    .resolves({ Stacks: [{ StackName: 'App', StackStatus: status as any, CreationTime: new Date() }] });
  const remove = (props: Record<string, string>, physical: string) => onEvent(acceptance('Delete', props, physical), client, FAST, cfnClient);

  test('removalPolicy destroy: an active connection is deleted', async () => {
    stackStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    describes(pcx('active'));
    ec2.on(DeleteVpcPeeringConnectionCommand).resolves({});
    const result = await remove({ Accept: 'true', RemovalPolicy: 'destroy' }, `${PCX}:accepted`);
    expect(ec2.commandCalls(DeleteVpcPeeringConnectionCommand).map(c => c.args[0].input)).toEqual([{ VpcPeeringConnectionId: PCX }]);
    expect(result).toEqual({ PhysicalResourceId: `${PCX}:accepted` });
  });

  test('removalPolicy destroy, the stack deleted: a request still pending is rejected', async () => {
    stackStatus('DELETE_IN_PROGRESS');
    describes(pcx('pending-acceptance'));
    ec2.on(RejectVpcPeeringConnectionCommand).resolves({});
    await remove({ Accept: 'false', RemovalPolicy: 'destroy' }, PCX);
    expect(ec2.commandCalls(RejectVpcPeeringConnectionCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DeleteVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test.each(['deleted', 'expired', 'rejected'])('removalPolicy destroy: a connection that is %s needs no call', async (status) => {
    stackStatus('DELETE_IN_PROGRESS');
    describes(pcx(status));
    await remove({ Accept: 'true', RemovalPolicy: 'destroy' }, PCX);
    expect(ec2.commandCalls(DeleteVpcPeeringConnectionCommand)).toHaveLength(0);
    expect(ec2.commandCalls(RejectVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test('removalPolicy retain: the connection stays, not even read', async () => {
    stackStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    const result = await remove({ Accept: 'true', RemovalPolicy: 'retain' }, `${PCX}:accepted`);
    expect(ec2.calls()).toHaveLength(0);
    expect(result).toEqual({ PhysicalResourceId: `${PCX}:accepted` });
  });

  test.each(['ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'])(
    'a rollback (%s) of the creation that accepted it deletes the connection, even with removalPolicy retain', async (status) => {
      stackStatus(status);
      describes(pcx('active'));
      ec2.on(DeleteVpcPeeringConnectionCommand).resolves({});
      await remove({ Accept: 'true', RemovalPolicy: 'retain' }, `${PCX}:accepted`);
      expect(ec2.commandCalls(DeleteVpcPeeringConnectionCommand)).toHaveLength(1);
    });

  test('a rollback of a creation that found the connection active (accepted by hand) leaves it, even with removalPolicy destroy', async () => {
    stackStatus('ROLLBACK_IN_PROGRESS');
    await remove({ Accept: 'false', RemovalPolicy: 'destroy' }, PCX);
    expect(ec2.calls()).toHaveLength(0);
  });

  test('a stack status that cannot be read counts as a removal, not a rollback', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    describes(pcx('active'));
    ec2.on(DeleteVpcPeeringConnectionCommand).resolves({});
    await remove({ Accept: 'true', RemovalPolicy: 'destroy' }, PCX);
    expect(ec2.commandCalls(DeleteVpcPeeringConnectionCommand)).toHaveLength(1);
  });
});

describe("the requester's CIDR blocks", () => {
  const checked = (ipv4: string[], ipv6: string[] = []) => ({ Accept: 'true', RequesterCidrBlocks: ipv4, RequesterIpv6CidrBlocks: ipv6 });
  const requester = (ipv4: string[], ipv6: string[] = []): Partial<VpcPeeringConnection> => ({
    RequesterVpcInfo: {
      VpcId: THEIR_VPC,
      OwnerId: THEIR_ACCOUNT,
      CidrBlock: ipv4[0],
      CidrBlockSet: ipv4.map(CidrBlock => ({ CidrBlock })),
      Ipv6CidrBlockSet: ipv6.map(Ipv6CidrBlock => ({ Ipv6CidrBlock })),
    },
    AccepterVpcInfo: { VpcId: OUR_VPC, OwnerId: '123456789012', CidrBlock: '10.0.0.0/16', CidrBlockSet: [{ CidrBlock: '10.0.0.0/16' }] },
  });

  test('every block of the requester covered (a /16 listed for a /20 and a /16, IPv6 too): accepted', async () => {
    describes(pcx('pending-acceptance', requester(['10.200.16.0/20', '10.201.0.0/16'], ['2600:1f18:abcd:1200::/56'])), pcx('active'));
    ec2.on(AcceptVpcPeeringConnectionCommand).resolves({});
    await onEvent(acceptance('Create', checked(['10.200.0.0/16', '10.201.0.0/16'], ['2600:1f18:abcd:1200::/56'])), client, FAST);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(1);
  });

  test('a secondary block not listed fails before accepting, naming the block and the prop', async () => {
    describes(pcx('pending-acceptance', requester(['10.200.0.0/16', '10.201.0.0/16'])));
    const error = await onEvent(acceptance('Create', checked(['10.200.0.0/16'])), client, FAST).catch(e => e as Error);
    expect((error as Error).message).toContain(
      `VPC peering connection ${PCX} is from VPC ${THEIR_VPC} (account ${THEIR_ACCOUNT}), which has CIDR block 10.201.0.0/16 ` +
      'that the Network ACL rules do not cover (external blocks: 10.200.0.0/16)');
    expect((error as Error).message).toMatch(/add 10.201.0.0\/16 to externalCidrBlocks .* Nothing was accepted or routed$/);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test('an IPv6 block of the requester, none listed: fails, naming externalIpv6CidrBlocks (also for an active connection)', async () => {
    describes(pcx('active', requester(['10.200.0.0/16'], ['2600:1f18:abcd:1200::/56'])));
    await expect(onEvent(acceptance('Create', checked(['10.200.0.0/16'])), client, FAST)).rejects.toThrow(
      /add 2600:1f18:abcd:1200::\/56 to externalIpv6CidrBlocks/);
  });

  test('many blocks not covered: the first five are listed and the rest counted', async () => {
    const theirs = Array.from({ length: 12 }, (_, i) => `10.${100 + i}.0.0/16`);
    describes(pcx('pending-acceptance', requester(theirs)));
    const error = await onEvent(acceptance('Create', checked(['10.99.0.0/16'])), client, FAST).catch(e => e as Error);
    expect((error as Error).message).toContain('10.100.0.0/16, 10.101.0.0/16, 10.102.0.0/16, 10.103.0.0/16, 10.104.0.0/16 and 7 more');
    expect((error as Error).message.length).toBeLessThan(1000);
  });

  test.each([
    [['0.0.0.0/0'], "externalCidrBlocks value '0.0.0.0/0' is wider than any VPC"],
    [['10.0.0.0/16'], "externalCidrBlocks value '10.0.0.0/16' overlaps this VPC's CIDR block 10.0.0.0/16"],
    [['10.0.128.0/17'], "externalCidrBlocks value '10.0.128.0/17' overlaps this VPC's CIDR block 10.0.0.0/16"],
    [['not-a-cidr'], "externalCidrBlocks value 'not-a-cidr' is not an IPv4 CIDR block"],
  ])('a block given as a token that is %j at deploy time fails before anything is accepted', async (blocks, message) => {
    describes(pcx('pending-acceptance', requester(['10.200.0.0/16'])));
    await expect(onEvent(acceptance('Create', checked(blocks)), client, FAST)).rejects.toThrow(message);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(0);
  });

  test('without RequesterCidrBlocks the blocks are not checked', async () => {
    describes(pcx('active', requester(['10.200.0.0/16', '10.201.0.0/16'])));
    await expect(onEvent(acceptance('Create'), client, FAST)).resolves.toMatchObject({ PhysicalResourceId: PCX });
  });

  test('a rollback Update (the stack rolling back) restores the properties without checking: a block added since cannot fail the rollback', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'App', StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', CreationTime: new Date() }] });
    const result = await onEvent(acceptance('Update', checked(['10.200.0.0/16']), PCX), client, FAST, cfnClient);
    expect(result).toEqual({ PhysicalResourceId: PCX });
    expect(ec2.commandCalls(DescribeVpcPeeringConnectionsCommand)).toHaveLength(0);
  });
});

describe('IAM propagation', () => {
  test('an accept IAM refuses at first (a permission just added) is tried again until it is allowed', async () => {
    describes(pcx('pending-acceptance'), pcx('active'));
    const refused = Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' });
    ec2.on(AcceptVpcPeeringConnectionCommand).rejectsOnce(refused).rejectsOnce(refused).resolves({});
    await onEvent(acceptance('Create'), client, { ...FAST, iamRetryDelayMs: 0, iamTries: 5 });
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(3);
  });

  test('a refusal that lasts fails after the last try, saying so', async () => {
    describes(pcx('pending-acceptance'));
    ec2.on(AcceptVpcPeeringConnectionCommand).rejects(Object.assign(new Error('You are not authorized'), { name: 'UnauthorizedOperation' }));
    await expect(onEvent(acceptance('Create'), client, { ...FAST, iamRetryDelayMs: 0, iamTries: 3 })).rejects.toThrow(
      /You are not authorized \(still refused after 3 tries/);
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(3);
  });

  test('another error is not tried again', async () => {
    describes(pcx('pending-acceptance'));
    ec2.on(AcceptVpcPeeringConnectionCommand).rejects(Object.assign(new Error('limit'), { name: 'VpcPeeringConnectionLimitExceeded' }));
    await expect(onEvent(acceptance('Create'), client, { ...FAST, iamRetryDelayMs: 0, iamTries: 3 })).rejects.toThrow('limit');
    expect(ec2.commandCalls(AcceptVpcPeeringConnectionCommand)).toHaveLength(1);
  });
});

describe('DNS resolution', () => {
  test.each(['Create', 'Update'] as const)('%s: sets the accepter-side option on an active connection', async (rt) => {
    describes(pcx('active'));
    ec2.on(ModifyVpcPeeringConnectionOptionsCommand).resolves({});
    const result = await onEvent(dns(rt), client, FAST);
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand).map(c => c.args[0].input)).toEqual([{
      VpcPeeringConnectionId: PCX,
      AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: true },
    }]);
    expect(result).toEqual({ PhysicalResourceId: PCX });
  });

  test('a connection that is not active fails, without a call', async () => {
    describes(pcx('pending-acceptance'));
    await expect(onEvent(dns('Create'), client, FAST)).rejects.toThrow(
      `VPC peering connection ${PCX} is pending-acceptance (pending-acceptance message): DNS resolution can only be set on an active connection`);
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand)).toHaveLength(0);
  });

  test('a connection for another VPC fails, without a call', async () => {
    describes(pcx('active', { AccepterVpcInfo: { VpcId: 'vpc-0bbbbbbbbbbbbbbb1' } }));
    await expect(onEvent(dns('Create'), client, FAST)).rejects.toThrow('is not for this VPC');
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand)).toHaveLength(0);
  });

  test('Delete turns the option off on an active connection', async () => {
    describes(pcx('active'));
    ec2.on(ModifyVpcPeeringConnectionOptionsCommand).resolves({});
    await onEvent(dns('Delete', PCX), client, FAST);
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand).map(c => c.args[0].input)).toEqual([{
      VpcPeeringConnectionId: PCX,
      AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: false },
    }]);
  });

  test.each(['deleted', 'expired', 'failed'])('Delete on a connection that is %s does nothing', async (status) => {
    describes(pcx(status));
    const result = await onEvent(dns('Delete', PCX), client, FAST);
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand)).toHaveLength(0);
    expect(result).toEqual({ PhysicalResourceId: PCX });
  });

  test('Delete on a connection that is gone does nothing', async () => {
    ec2.on(DescribeVpcPeeringConnectionsCommand).rejects(Object.assign(new Error('gone'), { name: 'InvalidVpcPeeringConnectionID.NotFound' }));
    await onEvent(dns('Delete', PCX), client, FAST);
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand)).toHaveLength(0);
  });

  test('Delete after a replacement turns the option off on the old connection (the physical id)', async () => {
    const old = 'pcx-0aaaaaaaaaaaaaaa1';
    ec2.on(DescribeVpcPeeringConnectionsCommand, { VpcPeeringConnectionIds: [old] })
      .resolves({ VpcPeeringConnections: [pcx('active', { VpcPeeringConnectionId: old })] });
    ec2.on(ModifyVpcPeeringConnectionOptionsCommand).resolves({});
    const result = await onEvent(dns('Delete', old), client, FAST);
    expect(ec2.commandCalls(ModifyVpcPeeringConnectionOptionsCommand)[0].args[0].input.VpcPeeringConnectionId).toBe(old);
    expect(result.PhysicalResourceId).toBe(old);
  });
});

describe('events', () => {
  test('an unknown resource type fails', async () => {
    await expect(onEvent(event('Custom::Other', 'Create'), client, FAST)).rejects.toThrow(
      'Unsupported resource type Custom::Other: expected Custom::VpcPeeringAcceptance or Custom::VpcPeeringDnsResolution');
  });

  test('a missing property fails', async () => {
    const e = { ...acceptance('Create'), ResourceProperties: { VpcPeeringConnectionId: PCX } } as unknown as CustomResourceEvent;
    await expect(onEvent(e, client, FAST)).rejects.toThrow('Missing resource property AccepterVpcId');
  });
});
